package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.application.attempt.AttemptsOnRecord;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.LaterReleaseEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.AuditEventAltered;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.report.AuditEventPage;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;
import org.vpsrecovery.domain.server.ServerId;

/**
 * Rows a later release wrote under names this release does not know, hashed as that release hashes them (after a
 * rollback, or beside a newer instance): every read of the history tolerates them, on the real PostgreSQL. Pages and
 * the export show them as such, the summary counts them apart, the tracker's and replays' reads skip them; a row whose
 * hash does not hold stays refused as altered (ADR 0005, amended in session 49). Before, every one of these reads was
 * refused with AUDIT_EVENT_ALTERED.
 */
class LaterReleaseEventsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    private static final String ATTEMPT = "7b1f2c9e-0000-4000-8000-000000000001";

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Test
    void pagesAndTheExportShowARowOfALaterReleaseAsSuchAmongTheKnownEvents() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ApplicationContext context = historyWithEvents(database);
        asALaterReleaseWrites(database, 6, "operation", "A_LATER_OPERATION");
        AuditReports reports = context.getBean(AuditReports.class);

        AuditEventPage page = reports.page(AuditEventFilter.everything(), OptionalLong.empty(), 4);
        assertThat(page.entries()).extracting(AuditHistoryEntry::sequence).containsExactly(6L, 5L, 4L, 3L);
        assertThat(page.nextBefore()).hasValue(3L);
        // Every part as stored, its cause and detail too (session 50: they were left out).
        assertThat(page.entries().getFirst()).isEqualTo(new LaterReleaseEvent(6, T0.plusSeconds(6), new TeamId("blue"),
                new RequestId("r-6"), Optional.of(new ServerId(7)), "A_LATER_OPERATION", "FAILED",
                Optional.of("PROVIDER_REJECTED"), "the operation A_LATER_OPERATION", Optional.empty(), Optional.empty(),
                Optional.of("boom"), OptionalInt.empty(), Map.of("name", "snap-6", AuditEvent.ATTEMPT_ID, ATTEMPT)));
        assertThat(page.events()).extracting(RecordedAuditEvent::sequence).containsExactly(5L, 4L, 3L);

        List<AuditHistoryEntry> exported = new ArrayList<>();
        try (AuditEventStream stream = reports.stream(AuditEventFilter.everything().forTeam(new TeamId("blue")))) {
            stream.forEachRemaining(exported::add);
        }
        assertThat(exported).extracting(AuditHistoryEntry::sequence).containsExactly(6L, 5L, 4L, 3L, 2L, 1L);
        assertThat(exported.getFirst()).isEqualTo(page.entries().getFirst());
    }

    @Test
    void theHistorysReadsSkipIt_anAttemptWhoseEndOnlySuchARowHoldsIsNotEnded() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ApplicationContext context = historyWithEvents(database);
        // The attempt's end (event 6) holds a reason a later release added.
        asALaterReleaseWrites(database, 6, "outcome_reason", "A_LATER_REASON");
        AuditHistory history = context.getBean(AuditHistory.class);

        assertThat(history.attemptEvents(new ServerId(7), new RequestId("r-6"), Operation.CREATE_SNAPSHOT, ATTEMPT,
                T0, 10)).extracting(RecordedAuditEvent::sequence).containsExactly(5L);
        // Read by the attempt's id alone (a takeover's), the row is handed out as such: it may be the attempt's only
        // trace (ADR 0027, amended in session 49).
        assertThat(history.attemptEvents(ATTEMPT, 10)).extracting(AuditHistoryEntry::sequence).containsExactly(6L, 5L);
        assertThat(history.attemptEvents(ATTEMPT, 10).getFirst()).isInstanceOf(LaterReleaseEvent.class);
        // A query still fills its limit past the skipped row, so a caller stopping at a short page reads on.
        assertThat(history.query(AuditQuery.latest(3))).extracting(RecordedAuditEvent::sequence)
                .containsExactly(5L, 4L, 3L);
    }

    /**
     * The drift scan's read (AuditHistory.entries): the row a query skips is handed out as such, so that the scan sees
     * that it cannot judge the server (ADR 0005, amended in session 50); matched by its names as stored.
     */
    @Test
    void theEntriesHandOutTheRowTheQuerySkips() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ApplicationContext context = historyWithEvents(database);
        asALaterReleaseWrites(database, 6, "outcome_reason", "A_LATER_REASON");
        AuditHistory history = context.getBean(AuditHistory.class);
        AuditQuery createsOnServer = new AuditQuery(AuditEventFilter.everything().forServer(new ServerId(7))
                .withOperations(java.util.Set.of(Operation.CREATE_SNAPSHOT)), OptionalLong.empty(), 3);

        assertThat(history.query(createsOnServer)).extracting(RecordedAuditEvent::sequence).containsExactly(5L, 4L, 3L);
        List<AuditHistoryEntry> entries = history.entries(createsOnServer);
        assertThat(entries).extracting(AuditHistoryEntry::sequence).containsExactly(6L, 5L, 4L);
        assertThat(entries.getFirst()).isInstanceOfSatisfying(LaterReleaseEvent.class,
                later -> assertThat(later.unknownName()).isEqualTo("the reason A_LATER_REASON"));
    }

    /**
     * A later release's new kind of operation on the server passes an operations filter of entries (never of query): a
     * reader that must not judge a history it cannot read whole (the drift scan) sees it (own-merge review, session 50).
     */
    @Test
    void anUnknownOperationPassesTheEntriesOperationsFilter() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ApplicationContext context = historyWithEvents(database);
        asALaterReleaseWrites(database, 6, "operation", "A_LATER_OPERATION");
        AuditHistory history = context.getBean(AuditHistory.class);
        AuditQuery createsOnServer = new AuditQuery(AuditEventFilter.everything().forServer(new ServerId(7))
                .withOperations(java.util.Set.of(Operation.CREATE_SNAPSHOT)), OptionalLong.empty(), 3);

        assertThat(history.query(createsOnServer)).extracting(RecordedAuditEvent::sequence).containsExactly(5L, 4L, 3L);
        List<AuditHistoryEntry> entries = history.entries(createsOnServer);
        assertThat(entries).extracting(AuditHistoryEntry::sequence).containsExactly(6L, 5L, 4L);
        assertThat(entries.getFirst()).isInstanceOfSatisfying(LaterReleaseEvent.class,
                later -> assertThat(later.unknownName()).isEqualTo("the operation A_LATER_OPERATION"));
    }

    /**
     * A takeover of an {@code Idempotency-Key} asks whether the interrupted holder may have acted: its attempt's only
     * trace is its intent, written by a later release under a name this release does not know. It may have acted, and
     * is never sent again (ADR 0027, amended in session 49). Before, the row was skipped and the attempt read as one
     * that never got to a change: the request would have been sent to VPS.org a second time.
     */
    @Test
    void anAttemptWhoseOnlyTraceIsARowOfALaterReleaseMayHaveActed() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ApplicationContext context = contexts.on(database);
        AuditHistory history = context.getBean(AuditHistory.class);
        for (int i = 1; i <= 5; i++) {
            history.append(event(i));
        }
        asALaterReleaseWrites(database, 5, "operation", "A_LATER_OPERATION");

        assertThat(new AttemptsOnRecord(history).changeThatMayHaveTakenEffect(OperationId.parse(ATTEMPT))).isPresent();
    }

    @Test
    void theSummaryCountsItApart() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ApplicationContext context = historyWithEvents(database);
        asALaterReleaseWrites(database, 6, "operation", "A_LATER_OPERATION");

        // Within one day: recounted from the events themselves.
        AuditSummary summary = context.getBean(AuditReports.class).summarize(new SummaryQuery(Optional.empty(), T0,
                T0.plus(1, ChronoUnit.HOURS), SummaryBucket.DAY, 10, true));
        Instant day = T0.truncatedTo(ChronoUnit.DAYS);
        assertThat(summary.laterReleaseCounts()).containsExactly(new AuditSummary.LaterReleaseCount(day,
                Optional.of(new TeamId("blue")), "A_LATER_OPERATION", "FAILED", 1));
        assertThat(summary.counts()).extracting(AuditSummary.Count::events).containsExactly(3L, 2L);
        // Its outcome and reason are known ones: a refusal of VPS.org's, whatever the operation, as the day counts by
        // reason (which hold no operation) say too.
        assertThat(summary.providerCalls()).isEqualTo(1);
    }

    @Test
    void aRowRenamedWithoutItsHashStaysRefusedAsAltered() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ApplicationContext context = historyWithEvents(database);
        tamper(database, "UPDATE audit_event SET operation = 'A_LATER_OPERATION' WHERE sequence = 6");
        AuditReports reports = context.getBean(AuditReports.class);

        assertThatThrownBy(() -> reports.page(AuditEventFilter.everything(), OptionalLong.empty(), 10))
                .isInstanceOfSatisfying(AuditEventAltered.class, altered -> assertThat(altered.sequence()).isEqualTo(6));
        assertThatThrownBy(() -> context.getBean(AuditHistory.class).query(AuditQuery.latest(10)))
                .isInstanceOf(AuditEventAltered.class);
        assertThatThrownBy(() -> reports.summarize(new SummaryQuery(Optional.empty(), T0, T0.plus(1, ChronoUnit.HOURS),
                SummaryBucket.DAY, 10, true)))
                .isInstanceOfSatisfying(AuditEventAltered.class, altered -> assertThat(altered.sequence()).isEqualTo(6));
    }

    /** Events 1-6 of team blue on server 7: 5 the intent of an attempt, 6 its failed end. */
    private ApplicationContext historyWithEvents(TestDatabase database) {
        ApplicationContext context = contexts.on(database);
        AuditHistory history = context.getBean(AuditHistory.class);
        for (int i = 1; i <= 6; i++) {
            history.append(event(i));
        }
        return context;
    }

    private static AuditEvent event(int i) {
        Outcome outcome = i == 6 ? new Outcome.Failed(ReasonCode.PROVIDER_REJECTED, "boom")
                : i % 2 == 0 ? new Outcome.Completed() : new Outcome.Accepted();
        Map<String, String> detail = i >= 5 ? Map.of("name", "snap-" + i, AuditEvent.ATTEMPT_ID, ATTEMPT)
                : Map.of("name", "snap-" + i);
        return new AuditEvent(T0.plusSeconds(i), new TeamId("blue"), new RequestId(i >= 5 ? "r-6" : "r-" + i),
                Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(7)), Optional.empty(), outcome, OptionalInt.empty(),
                detail);
    }

    /**
     * The last event as a later release writes it: {@code column} holding {@code name}, hashed over its stored parts
     * as that release hashes it, and the head moved to that hash.
     */
    private static void asALaterReleaseWrites(TestDatabase database, int sequence, String column, String name)
            throws SQLException {
        AuditChain.StoredParts parts = AuditChain.StoredParts.of(event(sequence));
        AuditChain.StoredParts later = new AuditChain.StoredParts(parts.occurredAt(), parts.team(), parts.requestId(),
                column.equals("operation") ? name : parts.operation(), parts.serverId(), parts.resourceType(),
                parts.resourceId(), parts.outcomeKind(), column.equals("outcome_reason") ? name : parts.outcomeReason(),
                parts.outcomeCause(), parts.providerStatus(), parts.detail());
        String hash = AuditChain.link(previousHash(database, sequence), sequence, later).hex();
        tamper(database, "UPDATE audit_event SET " + column + " = '" + name + "', hash = decode('" + hash
                + "', 'hex') WHERE sequence = " + sequence + "; "
                + "ALTER TABLE audit_chain_head DISABLE TRIGGER audit_chain_head_forward_only; "
                + "UPDATE audit_chain_head SET last_hash = decode('" + hash + "', 'hex') WHERE id = 1; "
                + "ALTER TABLE audit_chain_head ENABLE TRIGGER audit_chain_head_forward_only");
    }

    private static ChainHash previousHash(TestDatabase database, int sequence) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT previous_hash FROM audit_event WHERE sequence = " + sequence)) {
            rs.next();
            return ChainHash.of(rs.getBytes(1));
        }
    }

    /** As the owner, with the append-only guard and the names' checks off, as a later release's schema has them. */
    private static void tamper(TestDatabase database, String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("ALTER TABLE audit_event DROP CONSTRAINT IF EXISTS audit_event_operation_check");
            statement.execute("ALTER TABLE audit_event DROP CONSTRAINT IF EXISTS audit_event_outcome_reason_check");
            statement.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
            statement.execute(sql);
            statement.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
            connection.commit();
        }
    }
}
