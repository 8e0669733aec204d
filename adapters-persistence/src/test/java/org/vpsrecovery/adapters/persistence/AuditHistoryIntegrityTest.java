package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.ApplicationLogin;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditCountDeltas;
import org.vpsrecovery.domain.port.AuditEventAltered;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.report.AuditEventPage;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;
import org.vpsrecovery.domain.server.ServerId;

/** Append-only enforcement, least privilege and tamper evidence, against a real PostgreSQL. */
class AuditHistoryIntegrityTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final Instant T0 = Instant.parse("2026-02-01T12:00:00Z");

    /**
     * The tables the time-range reads and the summaries trust, written by the database's own functions as the owner
     * (V55, ADR 0119): narrowing a day's sequence bounds or deleting the unfolded deltas would hide events from every
     * read of a period while the chain still verifies.
     */
    private static final List<String> SIDE_TABLES = List.of("audit_event_day_sequence", "audit_count_delta",
            "audit_daily_group_count", "audit_daily_reason_count", "audit_daily_platform_count", "audit_monthly_count",
            "audit_monthly_group_count");

    @RegisterExtension
    static final ApplicationLogin APP = ApplicationLogin.named("vpsr_app_it");

    /** The adapters as the service wires them, one context (and pool) each; closed after every test. */
    @RegisterExtension
    static final AdapterContext.Contexts CONTEXTS = new AdapterContext.Contexts();

    private static AuditHistory history(TestDatabase database) {
        return CONTEXTS.on(database).getBean(AuditHistory.class);
    }

    private static AuditEvent event(int i) {
        Outcome outcome = i % 3 == 0 ? new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE, "provider answered 503")
                : new Outcome.Accepted();
        return new AuditEvent(T0.plusSeconds(i), new TeamId("blue"), new RequestId("req-" + i),
                Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(12345)), Optional.empty(), outcome,
                i % 3 == 0 ? OptionalInt.of(503) : OptionalInt.empty(), Map.of("name", "snap-" + i));
    }

    /** A fresh database holding events 1-5. */
    private static TestDatabase databaseWithFiveEvents() {
        TestDatabase database = DATABASE.anotherMigrated();
        AuditHistory history = history(database);
        for (int i = 1; i <= 5; i++) {
            history.append(event(i));
        }
        assertThat(history.verifyChain()).isInstanceOf(ChainVerification.Intact.class);
        return database;
    }

    private static void execute(DataSource dataSource, String... statements) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql);
                }
            }
            connection.commit();
        }
    }

    /** The SQLSTATE the statement fails with, or "none" when it went through (committed). */
    private static String sqlStateOf(DataSource dataSource, String sql) {
        try {
            execute(dataSource, sql);
            return "none";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    /** What someone with the owner's password could do: switch the guard off, change rows, switch it on. */
    private static void tamperAsOwner(TestDatabase database, String sql) throws SQLException {
        execute(database.dataSource(),
                "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
                sql,
                "ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
    }

    @Test
    void theTriggerRefusesUpdateDeleteAndTruncateEvenToTheOwner() {
        TestDatabase database = databaseWithFiveEvents();

        assertThatThrownBy(() -> execute(database.dataSource(), "UPDATE audit_event SET team = 'green' WHERE sequence = 1"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("audit_event is append-only: UPDATE refused")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23001"));
        assertThatThrownBy(() -> execute(database.dataSource(), "DELETE FROM audit_event WHERE sequence = 5"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("audit_event is append-only: DELETE refused");
        assertThatThrownBy(() -> execute(database.dataSource(), "TRUNCATE audit_event"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("audit_event is append-only: TRUNCATE refused");
        assertThatThrownBy(() -> execute(database.dataSource(), "UPDATE audit_chain_head SET last_sequence = 2"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("audit_chain_head only moves forward");
        assertThat(history(database).query(AuditQuery.latest(10))).hasSize(5);
    }

    @Test
    void theApplicationRoleAppendsAndReadsButCannotChangeOrRemove() throws SQLException {
        TestDatabase database = databaseWithFiveEvents();
        DataSource asApp = database.dataSourceAs(APP.name(), APP.password());
        ApplicationContext app = CONTEXTS.on(database, APP.name(), APP.password());
        AuditHistory history = app.getBean(AuditHistory.class);

        RecordedAuditEvent sixth = history.append(event(6));

        assertThat(sixth.sequence()).isEqualTo(6);
        assertThat(history.query(AuditQuery.latest(10))).hasSize(6);
        assertThat(history.pendingIntents(T0.plusSeconds(60), 10)).hasSize(4);
        assertThat(history.verifyChain()).isEqualTo(new ChainVerification.Intact(6,
                ((ChainVerification.Intact) history(database).verifyChain()).head()));
        // What reads of a period stand on, moved as the app: the fold, then one more append left unfolded.
        assertThat(app.getBean(AuditCountDeltas.class).fold()).isEqualTo(6);
        history.append(event(7));
        assertThat(history.query(AuditQuery.latest(10).since(T0.plusSeconds(2)).until(T0.plusSeconds(7))))
                .extracting(RecordedAuditEvent::sequence).containsExactly(6L, 5L, 4L, 3L, 2L);
        // Narrowed by a request id: V46's bounds functions inside the page's statement.
        assertThat(history.query(AuditQuery.latest(10).forRequest(new RequestId("req-7")).since(T0)))
                .extracting(RecordedAuditEvent::sequence).containsExactly(7L);
        Instant day = T0.truncatedTo(ChronoUnit.DAYS);
        AuditSummary summary = app.getBean(AuditReports.class)
                .summarize(new SummaryQuery(Optional.empty(), day, day.plus(1, ChronoUnit.DAYS), SummaryBucket.DAY, 10, false));
        assertThat(summary.counts().stream().mapToLong(AuditSummary.Count::events).sum()).isEqualTo(7);
        assertThat(summary.providerFailures()).isEqualTo(2);

        List<String> forbiddenStatements = new ArrayList<>(List.of("UPDATE audit_event SET team = 'green' WHERE sequence = 1",
                "DELETE FROM audit_event WHERE sequence = 1", "TRUNCATE audit_event",
                "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
                "DELETE FROM audit_chain_head",
                // A day's range cut to its last event; the events not folded yet dropped from every count and range.
                "UPDATE audit_event_day_sequence SET first_sequence = last_sequence WHERE day = '2026-02-01'",
                "DELETE FROM audit_count_delta"));
        for (String table : SIDE_TABLES) {
            forbiddenStatements.addAll(List.of("INSERT INTO " + table + " SELECT * FROM " + table,
                    "UPDATE " + table + " SET day = day", "DELETE FROM " + table, "TRUNCATE " + table));
        }
        // Insufficient privilege, for every one of them (named when one goes through).
        assertThat(forbiddenStatements.stream().filter(sql -> !"42501".equals(sqlStateOf(asApp, sql))).toList()).isEmpty();
        // The other adapters work as the application role too.
        try (PgServerLock lock = new PgServerLock(asApp, Duration.ofSeconds(1))) {
            assertThat(lock.callExclusively(new ServerId(1), () -> "locked")).isEqualTo("locked");
        }
    }

    @Test
    void namesTheRowWhoseContentWasAlteredInSql() throws SQLException {
        TestDatabase database = databaseWithFiveEvents();
        tamperAsOwner(database, "UPDATE audit_event SET request_id = 'forged' WHERE sequence = 3");

        assertThat(history(database).verifyChain()).isEqualTo(new ChainVerification.Broken(3,
                ChainVerification.Fault.ALTERED_EVENT, "event 3 no longer matches its stored hash"));
    }

    @Test
    void namesTheRowWhoseJsonDetailWasAltered() throws SQLException {
        TestDatabase database = databaseWithFiveEvents();
        tamperAsOwner(database, "UPDATE audit_event SET detail = '{\"name\": \"snap-x\"}' WHERE sequence = 2");

        ChainVerification verification = history(database).verifyChain();

        assertThat(verification).extracting(v -> ((ChainVerification.Broken) v).sequence()).isEqualTo(2L);
    }

    @Test
    void aRowThatNoLongerReadsAsAnEventIsReportedNotThrown() throws SQLException {
        TestDatabase database = databaseWithFiveEvents();
        tamperAsOwner(database, "UPDATE audit_event SET outcome_reason = 'MADE_UP' WHERE sequence = 3");

        ChainVerification verification = history(database).verifyChain();

        assertThat(verification).isInstanceOf(ChainVerification.Broken.class);
        ChainVerification.Broken broken = (ChainVerification.Broken) verification;
        assertThat(broken.sequence()).isEqualTo(3);
        assertThat(broken.fault()).isEqualTo(ChainVerification.Fault.ALTERED_EVENT);
        assertThat(broken.explanation()).contains("no longer a valid audit event");
    }

    /**
     * With the shape checks dropped, the owner puts on a row a part its outcome does not have (a reason on an intent,
     * a resource id without its type): the row read as before, hashed as before, and the edit went unseen; or a
     * null unboxed threw. Now it no longer reads as an event.
     */
    @Test
    void aPartItsOutcomeOrResourceDoesNotHaveIsAnAlteredEvent() throws SQLException {
        TestDatabase database = databaseWithFiveEvents();
        execute(database.dataSource(), "ALTER TABLE audit_event DROP CONSTRAINT audit_event_outcome_shape",
                "ALTER TABLE audit_event DROP CONSTRAINT audit_event_resource_complete");
        tamperAsOwner(database, "UPDATE audit_event SET outcome_reason = 'SNAPSHOT_LIMIT_REACHED' WHERE sequence = 1");
        tamperAsOwner(database, "UPDATE audit_event SET resource_type = 'SNAPSHOT' WHERE sequence = 2");

        ChainVerification verification = history(database).verifyChain();

        assertThat(verification).isInstanceOf(ChainVerification.Broken.class);
        assertThat((ChainVerification.Broken) verification).extracting(ChainVerification.Broken::sequence,
                ChainVerification.Broken::fault).containsExactly(1L, ChainVerification.Fault.ALTERED_EVENT);
        tamperAsOwner(database, "UPDATE audit_event SET outcome_reason = NULL WHERE sequence = 1");
        assertThat((ChainVerification.Broken) history(database).verifyChain()).extracting(ChainVerification.Broken::sequence,
                ChainVerification.Broken::fault).containsExactly(2L, ChainVerification.Fault.ALTERED_EVENT);
    }

    /**
     * A row changed past the table's guards so that it no longer reads as an event (a time no event can have, a NULL
     * once NOT NULL, a failure without its reason, a resource id without its type) is refused by every read that
     * reaches it, typed and naming its sequence, as verification names it ALTERED_EVENT: the reads threw untyped
     * failures (answered 500 INTERNAL_ERROR) or, for an infinite time, answered with it (session 40). A read that
     * stops before the row answers as before.
     */
    @Test
    void everyReadThatReachesARowNoLongerAnEventRefusesItNamingItsSequence() throws SQLException {
        TestDatabase database = databaseWithFiveEvents();
        ApplicationContext context = CONTEXTS.on(database);
        AuditHistory history = context.getBean(AuditHistory.class);
        AuditReports reports = context.getBean(AuditReports.class);
        execute(database.dataSource(), "ALTER TABLE audit_event ALTER COLUMN team DROP NOT NULL",
                "ALTER TABLE audit_event DROP CONSTRAINT audit_event_outcome_shape",
                "ALTER TABLE audit_event DROP CONSTRAINT audit_event_resource_complete");
        // Event 3 is a failure (event(3)): PROVIDER_UNAVAILABLE with its cause, no resource.
        Map<String, String> alterations = new LinkedHashMap<>();
        alterations.put("occurred_at = 'infinity'", "occurred at ");
        alterations.put("occurred_at = '-infinity'", "occurred at ");
        alterations.put("team = NULL", "no team id");
        alterations.put("outcome_reason = NULL, outcome_cause = NULL", "no reason");
        alterations.put("resource_id = 801", "a resource is a type and an id");

        for (Map.Entry<String, String> alteration : alterations.entrySet()) {
            tamperAsOwner(database, "UPDATE audit_event SET " + alteration.getKey() + " WHERE sequence = 3");
            String why = "event 3 of the audit history is no longer a valid audit event (" + alteration.getValue();

            assertAlteredAt3(() -> history.query(AuditQuery.latest(10)), why, alteration.getKey());
            assertAlteredAt3(() -> reports.page(AuditEventFilter.everything(), OptionalLong.empty(), 10), why,
                    alteration.getKey());
            assertAlteredAt3(() -> {
                try (AuditEventStream export = reports.stream(AuditEventFilter.everything())) {
                    while (export.hasNext()) {
                        export.next();
                    }
                }
            }, why, alteration.getKey());
            // Its next row, read only to know that a next page exists, is not read as an event.
            assertThat(reports.page(AuditEventFilter.everything(), OptionalLong.empty(), 2))
                    .extracting(page -> page.events().stream().map(RecordedAuditEvent::sequence).toList(),
                            AuditEventPage::nextBefore)
                    .as(alteration.getKey()).containsExactly(List.of(5L, 4L), OptionalLong.of(4));
            assertThat(history.query(AuditQuery.latest(2))).extracting(RecordedAuditEvent::sequence)
                    .as(alteration.getKey()).containsExactly(5L, 4L);
            assertThat(history.verifyChain()).as(alteration.getKey()).isInstanceOfSatisfying(ChainVerification.Broken.class,
                    broken -> assertThat(broken).extracting(ChainVerification.Broken::sequence,
                            ChainVerification.Broken::fault).containsExactly(3L, ChainVerification.Fault.ALTERED_EVENT));

            tamperAsOwner(database, "UPDATE audit_event SET occurred_at = '" + T0.plusSeconds(3) + "', team = 'blue', "
                    + "outcome_reason = 'PROVIDER_UNAVAILABLE', outcome_cause = 'provider answered 503', resource_id = NULL "
                    + "WHERE sequence = 3");
            assertThat(history.verifyChain().isIntact()).as("event 3 as it was").isTrue();
        }
    }

    /**
     * Which reason an outcome has is one domain rule ({@code Outcome.Kind.requireReason}) for the pages, which read a row
     * back as an event, and for the summary, which groups the events of a period's partial days: a failure changed to
     * lose its reason and an intent changed to carry one are named by both, in the same words. The summary had a rule of
     * its own (only a rejection needed a reason) and counted both (ADR 0005, amended in session 42).
     */
    @Test
    void theSummaryAndThePagesRefuseTheSameReasonsNoOutcomeOfTheirKindHas() throws SQLException {
        TestDatabase database = databaseWithFiveEvents();
        AuditReports reports = CONTEXTS.on(database).getBean(AuditReports.class);
        execute(database.dataSource(), "ALTER TABLE audit_event DROP CONSTRAINT audit_event_outcome_shape");
        SummaryQuery partOfTheDay = new SummaryQuery(Optional.empty(), T0, T0.plus(1, ChronoUnit.HOURS),
                SummaryBucket.DAY, 10, false);
        assertThat(reports.summarize(partOfTheDay).counts().stream().mapToLong(AuditSummary.Count::events).sum())
                .isEqualTo(5);
        // Event 3 is a failure, event 2 an intent (event(i)).
        Map<String, Long> alterations = new LinkedHashMap<>();
        alterations.put("outcome_reason = NULL WHERE sequence = 3", 3L);
        alterations.put("outcome_reason = 'PROVIDER_UNAVAILABLE' WHERE sequence = 2", 2L);

        for (Map.Entry<String, Long> alteration : alterations.entrySet()) {
            tamperAsOwner(database, "UPDATE audit_event SET " + alteration.getKey());
            long sequence = alteration.getValue();

            Throwable byThePages = catchThrowable(() -> reports.page(AuditEventFilter.everything(), OptionalLong.empty(), 10));
            Throwable byTheSummary = catchThrowable(() -> reports.summarize(partOfTheDay));
            assertThat(byThePages).as("the pages, " + alteration.getKey()).isInstanceOfSatisfying(
                    AuditEventAltered.class, altered -> assertThat(altered.sequence()).isEqualTo(sequence));
            assertThat(byTheSummary).as("the summary, " + alteration.getKey()).isInstanceOfSatisfying(
                    AuditEventAltered.class, altered -> assertThat(altered.sequence()).isEqualTo(sequence));
            assertThat(byTheSummary).as(alteration.getKey()).hasMessage(byThePages.getMessage());

            tamperAsOwner(database, "UPDATE audit_event SET outcome_reason = " + (sequence == 3 ? "'PROVIDER_UNAVAILABLE'"
                    : "NULL") + " WHERE sequence = " + sequence);
            assertThat(history(database).verifyChain().isIntact()).as("event " + sequence + " as it was").isTrue();
        }
    }

    /**
     * The export reads a batch of {@link JdbcAuditReports#STREAM_BATCH} rows at a time. A row no longer an event in the
     * middle of a later batch stops it there: every event before it (newest first) is handed out, then the row's
     * {@link AuditEventAltered}, and nothing older. The whole batch was refused, so the genuine events of that batch
     * before the row were never exported (ADR 0005, amended in session 41).
     */
    @Test
    void theExportHandsOutEveryEventBeforeARowNoLongerAnEventInALaterBatchThenNamesIt() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        AuditHistory history = history(database);
        for (int from = 1; from <= 1_500; from += 100) {
            history.appendAll(LongStream.range(from, from + 100).mapToObj(i -> event((int) i)).toList());
        }
        tamperAsOwner(database, "UPDATE audit_event SET occurred_at = 'infinity' WHERE sequence = 200");
        AuditReports reports = CONTEXTS.on(database).getBean(AuditReports.class);

        List<Long> handedOut = new ArrayList<>();
        try (AuditEventStream export = reports.stream(AuditEventFilter.everything())) {
            assertThatThrownBy(() -> {
                while (export.hasNext()) {
                    handedOut.add(export.next().sequence());
                }
            }).isInstanceOfSatisfying(AuditEventAltered.class, altered -> assertThat(altered.sequence()).isEqualTo(200));
            assertThatThrownBy(export::hasNext).as("nothing older after it").isInstanceOf(AuditEventAltered.class);
        }

        assertThat(handedOut).isEqualTo(LongStream.iterate(1_500, i -> i > 200, i -> i - 1).boxed().toList());
    }

    /**
     * A takeover's read of one attempt by its id alone (ADR 0027) reaching a row no longer an event refuses it as every
     * other read does, typed and naming its sequence: it threw an untyped failure, taken for the database being away, so
     * every takeover of the key answered 503 for ever (review of session 40).
     */
    @Test
    void anAttemptsEventsByItsIdAloneRefuseARowNoLongerAnEvent() throws SQLException {
        TestDatabase database = databaseWithFiveEvents();
        AuditHistory history = CONTEXTS.on(database).getBean(AuditHistory.class);
        execute(database.dataSource(), "ALTER TABLE audit_event ALTER COLUMN team DROP NOT NULL");
        // Event 3 is a failure (event(3)): as an attempt's FAILED, its team then taken away.
        tamperAsOwner(database, "UPDATE audit_event SET detail = detail || '{\"attempt_id\": \"attempt-3\"}', team = NULL"
                + " WHERE sequence = 3");

        assertAlteredAt3(() -> history.attemptEvents("attempt-3", 10),
                "event 3 of the audit history is no longer a valid audit event (no team id", "team = NULL");
    }

    private static void assertAlteredAt3(org.assertj.core.api.ThrowableAssert.ThrowingCallable read, String why,
                                         String alteration) {
        assertThatThrownBy(read).as(alteration).isInstanceOfSatisfying(AuditEventAltered.class,
                altered -> assertThat(altered.sequence()).isEqualTo(3)).hasMessageStartingWith(why)
                .hasMessageContaining("Run the chain's verification").hasMessageNotContaining("/api/");
    }

    @Test
    void aForgerWhoRehashesOneRowBreaksTheLinkOfTheNext() throws SQLException {
        TestDatabase database = databaseWithFiveEvents();
        AuditHistory history = history(database);
        RecordedAuditEvent second = history.query(AuditQuery.latest(1).before(3)).get(0);
        AuditEvent forged = new AuditEvent(event(3).occurredAt(), new TeamId("blue"), new RequestId("forged"),
                Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(12345)), Optional.empty(),
                new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE, "provider answered 503"), OptionalInt.of(503),
                Map.of("name", "snap-3"));
        ChainHash secondHash;
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement read = connection.prepareStatement("SELECT hash FROM audit_event WHERE sequence = 2");
             var rs = read.executeQuery()) {
            rs.next();
            secondHash = ChainHash.of(rs.getBytes(1));
        }
        assertThat(second.sequence()).isEqualTo(2);
        ChainHash forgedHash = AuditChain.link(secondHash, 3, forged);

        tamperAsOwner(database, "UPDATE audit_event SET request_id = 'forged', hash = decode('" + forgedHash.hex()
                + "', 'hex') WHERE sequence = 3");

        assertThat(history.verifyChain()).isEqualTo(new ChainVerification.Broken(4, ChainVerification.Fault.BROKEN_LINK,
                "event 4 links to " + AuditChain.link(secondHash, 3, event(3)) + " but the hash before it is " + forgedHash));
    }

    @Test
    void namesTheFirstRowRemovedInSql() throws SQLException {
        TestDatabase database = databaseWithFiveEvents();
        tamperAsOwner(database, "DELETE FROM audit_event WHERE sequence IN (2, 4)");

        assertThat(history(database).verifyChain()).isEqualTo(new ChainVerification.Broken(2,
                ChainVerification.Fault.MISSING_EVENT, "event 2 is missing; the next stored event is 3"));
    }

    @Test
    void aRemovedLastRowShowsAgainstTheChainHead() throws SQLException {
        TestDatabase database = databaseWithFiveEvents();
        tamperAsOwner(database, "DELETE FROM audit_event WHERE sequence = 5");

        assertThat(history(database).verifyChain()).isEqualTo(new ChainVerification.Broken(5,
                ChainVerification.Fault.MISSING_EVENT, "the chain head is at 5 but the stored events end at 4"));
    }

    @Test
    void anEventTheDatabaseRefusesFailsAloneNotItsBatch() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        AuditHistory history = history(database);
        // PostgreSQL text cannot hold NUL, though a Java string can.
        AuditEvent refused = new AuditEvent(T0, new TeamId("blue"), new RequestId("nul"), Operation.DELETE_BACKUP,
                Optional.empty(), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(), Map.of("note", "a\0b"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<RecordedAuditEvent>> results = new ArrayList<>();
            for (int i = 1; i <= 40; i++) {
                AuditEvent next = i == 20 ? refused : event(i);
                results.add(pool.submit(() -> history.append(next)));
            }
            int failed = 0;
            for (Future<RecordedAuditEvent> result : results) {
                try {
                    result.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(DatabaseFailure.class);
                    failed++;
                }
            }
            assertThat(failed).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(history.verifyChain()).isEqualTo(new ChainVerification.Intact(39,
                ((ChainVerification.Intact) history.verifyChain()).head()));
    }

    @Test
    void twoServiceInstancesAppendingConcurrentlyKeepOneGaplessChain() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        // Each instance with its own connection pool, as deployed.
        appendConcurrently(new AuditHistory[] {history(database), history(database)});
    }

    private static void appendConcurrently(AuditHistory[] instances) throws Exception {
        int clients = 8;
        int perClient = 250;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Long> sequences = new ArrayList<>();
        long started = System.nanoTime();
        try {
            List<Callable<List<Long>>> tasks = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                AuditHistory history = instances[c % 2];
                int client = c;
                tasks.add(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < perClient; i++) {
                        mine.add(history.append(event(client * perClient + i + 1)).sequence());
                    }
                    return mine;
                });
            }
            for (Future<List<Long>> f : pool.invokeAll(tasks)) {
                sequences.addAll(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        int total = clients * perClient;
        System.out.printf("%d appends from %d clients over 2 instances in %d ms (%.0f/s; test server, fsync off)%n",
                total, clients, took.toMillis(), total * 1000.0 / Math.max(1, took.toMillis()));

        assertThat(sequences).containsExactlyInAnyOrder(LongStream.rangeClosed(1, total).boxed().toArray(Long[]::new));
        ChainVerification verification = instances[1].verifyChain();
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(total);
    }
}
