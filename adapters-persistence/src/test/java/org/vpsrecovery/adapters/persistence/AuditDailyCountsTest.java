package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.vpsrecovery.adapters.persistence.testing.TestFlyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The monthly pre-aggregates of V28 (ADR 0046) and V34's day counts without the reason and reasons without
 * the operation (ADR 0060), kept by V36's trigger: in step with the appends, so the summary read from them
 * (whole months and days) and the events (edge days) equals the summary recomputed from the events alone.
 */
class AuditDailyCountsTest {

    private static final Instant START = Instant.parse("2026-01-20T00:00:00Z");
    private static final Duration SPAN = Duration.ofDays(75);
    private static final List<TeamId> TEAMS = List.of(new TeamId("blue"), new TeamId("green"), new TeamId("red"));
    private static final List<ReasonCode> REASONS = List.of(ReasonCode.SNAPSHOT_LIMIT_REACHED,
            ReasonCode.BACKUP_IN_PROGRESS, ReasonCode.PROVIDER_UNAVAILABLE, ReasonCode.OUTCOME_UNKNOWN);

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    static final FreshDatabase UNMIGRATED = FreshDatabase.empty();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Test
    void theSummaryFromDailyCountsEqualsTheOneRecomputedFromTheEvents() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ApplicationContext context = contexts.on(database);
        AuditHistory history = context.getBean(AuditHistory.class);
        AuditSummaryCounts counts = new AuditSummaryCounts(PostgresAdapterFactory.pooled(context.getBean(DataSource.class)));
        AuditReports reports = context.getBean(AuditReports.class);
        Random random = new Random(20261201L);
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            events.add(randomEvent(random, i));
        }
        appendConcurrently(history, events);

        List<SummaryQuery> queries = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            queries.add(randomQuery(random));
        }
        // The edge cases by name: whole days, a period inside one day, one crossing midnight, the whole span.
        queries.add(new SummaryQuery(Optional.empty(), START, START.plus(SPAN), SummaryBucket.MONTH, 50, true));
        queries.add(new SummaryQuery(Optional.empty(), START.plusSeconds(3600), START.plusSeconds(7200),
                SummaryBucket.DAY, 10, true));
        queries.add(new SummaryQuery(Optional.of(TEAMS.get(1)), START.plus(Duration.ofHours(20)),
                START.plus(Duration.ofHours(28)), SummaryBucket.DAY, 10, true));
        queries.add(new SummaryQuery(Optional.empty(), START.minus(Duration.ofDays(3)).plusSeconds(1),
                START.plus(SPAN).plus(Duration.ofDays(2)).minusSeconds(1), SummaryBucket.MONTH, 5, true));
        // Summed over every team (V40's table, ADR 0078): the whole span, and edges inside days.
        queries.add(new SummaryQuery(Optional.empty(), START, START.plus(SPAN), SummaryBucket.DAY, 50, false));
        queries.add(new SummaryQuery(Optional.empty(), START.minus(Duration.ofDays(3)).plusSeconds(1),
                START.plus(SPAN).plus(Duration.ofDays(2)).minusSeconds(1), SummaryBucket.MONTH, 5, false));

        for (SummaryQuery query : queries) {
            AuditSummary recomputed = counts.recount(query);
            AuditSummary summary = reports.summarize(query);
            assertThat(summary).as("summary of %s", query).isEqualTo(recomputed);
            // And against a recount that shares no code with the summary: SQL's grouping, the domain's order.
            assertThat(summary.counts()).as("counts of %s", query).containsExactlyElementsOf(sqlRecount(database, query));
            assertThat(summary.topRejections()).as("rejections of %s", query)
                    .containsExactlyElementsOf(sqlRejections(database, query));
        }
        // Not vacuous: the whole span counts every event.
        AuditSummary all = reports.summarize(queries.get(150));
        assertThat(all.counts().stream().mapToLong(AuditSummary.Count::events).sum()).isEqualTo(events.size());
        AuditSummary summed = reports.summarize(queries.get(154));
        AuditSummary perTeamByDay = reports.summarize(new SummaryQuery(Optional.empty(), START, START.plus(SPAN),
                SummaryBucket.DAY, 50, true));
        assertThat(summed.counts()).allMatch(c -> c.team().isEmpty()).hasSizeLessThan(perTeamByDay.counts().size());
        assertThat(summed.counts().stream().mapToLong(AuditSummary.Count::events).sum()).isEqualTo(events.size());
        assertThat(queries).filteredOn(SummaryQuery::overTeams).hasSizeGreaterThan(30);
        assertThat(queries).filteredOn(q -> q.bucket() == SummaryBucket.DAY
                && Duration.between(q.from(), q.to()).toDays() > 35).isNotEmpty(); // whole months' reasons read
        assertTheCountsAreRecounts(database);
    }

    @Test
    void theMigrationsCountTheEventsAlreadyStored() throws SQLException {
        TestDatabase database = UNMIGRATED.database();
        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").target("23").load()
                .migrate();
        insertEvents(database, 1, 500);
        // V28 counts the events before it; V34 counts from V28's day counts, which then also hold these,
        // counted by V28's trigger alone.
        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").target("33").load()
                .migrate();
        insertEvents(database, 501, 300);
        // V35 keeps V34's counts as they are: these events are counted by V34's trigger.
        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").target("34").load()
                .migrate();
        insertEvents(database, 801, 100);
        // V36 keeps the three tables this release reads: these events are counted by V35's trigger (four tables).
        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").target("35").load()
                .migrate();
        insertEvents(database, 901, 50);
        // V54 groups the month counts it finds (of these too, counted as V52's deltas and folded) and, through the month
        // counts' trigger, the deltas still unfolded when it runs (the last 25), as the fold moves them.
        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").target("53").load()
                .migrate();
        insertEvents(database, 951, 25);
        fold(database);
        insertEvents(database, 976, 25);

        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").load().migrate();
        assertThat(database.strings("SELECT sum(events) FROM audit_monthly_group_count")).containsExactly("975");
        fold(database);

        // V35's release stopped reading it; V36 drops it (docs/deploy.md: expand, then contract).
        assertThat(database.strings("SELECT coalesce(to_regclass('audit_daily_count')::text, 'dropped')"))
                .containsExactly("dropped");
        assertThat(database.strings("SELECT sum(events) FROM audit_monthly_count")).containsExactly("1000");
        assertThat(database.strings("SELECT sum(events) FROM audit_monthly_group_count")).containsExactly("1000");
        assertThat(database.strings("SELECT sum(events) FROM audit_daily_group_count")).containsExactly("1000");
        // V51 keeps the reasons of the outcomes a summary reads them of: the rejected quarter (n % 4 = 0).
        assertThat(database.strings("SELECT sum(events) FROM audit_daily_reason_count")).containsExactly("250");
        // V40 counts every event stored before it from the events themselves.
        assertThat(database.strings("SELECT sum(events) FROM audit_daily_platform_count")).containsExactly("1000");
        assertTheCountsAreRecounts(database);
        // And V36's trigger keeps all three; an insert that adds nothing moves nothing.
        insertEvents(database, 1001, 200);
        insertEvents(database, 1201, 0);
        fold(database);
        assertThat(database.strings("SELECT sum(events) FROM audit_daily_group_count")).containsExactly("1200");
        assertThat(database.strings("SELECT sum(events) FROM audit_monthly_group_count")).containsExactly("1200");
        assertThat(database.strings("SELECT sum(events) FROM audit_daily_platform_count")).containsExactly("1200");
        assertTheCountsAreRecounts(database);
    }

    @Test
    void concurrentInsertersWithoutTheChainHeadLeaveExactCounts() throws Exception {
        // Inserts that do not take the head's lock (a bulk load, a restore) meet on the same count rows: the
        // upserts' conflict handling must add every statement's events once, and lock rows without deadlocks.
        TestDatabase database = DATABASE.anotherMigrated();
        ExecutorService inserters = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = 1 + t * 10_000;
                running.add(inserters.submit(() -> {
                    for (int s = 0; s < 40; s++) {
                        // 7 hours apart: each statement's 5 events fall on days and months the others' also do.
                        insertEvents(database, first + s * 5, 5);
                    }
                    return null;
                }));
            }
            for (Future<?> inserter : running) {
                inserter.get();
            }
        } finally {
            inserters.shutdown();
        }
        fold(database);
        assertThat(database.strings("SELECT sum(events) FROM audit_daily_group_count")).containsExactly("800");
        assertTheCountsAreRecounts(database);
    }

    /**
     * Events {@code first..first+n-1}, 7 hours apart from 2026-03-01 (sequence n and n + 10,000 at the same time), two
     * teams, a quarter of them rejected.
     */
    private static void insertEvents(TestDatabase database, int first, int n) throws SQLException {
        String hash = HexFormat.of().formatHex(new byte[32]);
        database.execute("INSERT INTO audit_event (sequence, occurred_at, team, request_id, operation, outcome_kind, "
                + "outcome_reason, previous_hash, hash) SELECT n, timestamptz '2026-03-01 00:00:00Z' + ((n - 1) % 10000 + 1) * interval '7 hours', "
                + "CASE WHEN n % 3 = 0 THEN 'blue' ELSE 'green' END, 'r-' || n, "
                + "CASE WHEN n % 5 = 0 THEN 'DELETE_SNAPSHOT' ELSE 'CREATE_SNAPSHOT' END, "
                + "CASE WHEN n % 4 = 0 THEN 'REJECTED' ELSE 'ACCEPTED' END, "
                + "CASE WHEN n % 4 = 0 THEN 'SNAPSHOT_LIMIT_REACHED' END, decode('" + hash + "', 'hex'), "
                + "decode('" + hash + "', 'hex') FROM generate_series(" + first + ", " + (first + n - 1) + ") n");
    }

    /** V52's fold of the appends' deltas (ADR 0119): what reads the count tables directly reads them after it. */
    static void fold(TestDatabase database) throws SQLException {
        database.execute("SELECT audit_count_fold()");
    }

    /**
     * Every count table (V28's monthly, V34's) holds exactly what grouping the events gives: no group more or less,
     * once the deltas are folded (V52), which this does first.
     */
    static void assertTheCountsAreRecounts(TestDatabase database) throws SQLException {
        fold(database);
        String day = "(occurred_at AT TIME ZONE 'UTC')::date";
        String month = "date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date";
        Map<String, String> recounts = Map.of(
                "SELECT day, team, operation, outcome_kind, outcome_reason, events FROM audit_monthly_count",
                "SELECT " + month + ", team, operation, outcome_kind, outcome_reason, count(*) FROM audit_event GROUP BY 1, 2, 3, 4, 5",
                "SELECT day, team, operation, outcome_kind, events FROM audit_monthly_group_count",
                "SELECT " + month + ", team, operation, outcome_kind, count(*) FROM audit_event GROUP BY 1, 2, 3, 4",
                "SELECT day, team, operation, outcome_kind, events FROM audit_daily_group_count",
                "SELECT " + day + ", team, operation, outcome_kind, count(*) FROM audit_event GROUP BY 1, 2, 3, 4",
                "SELECT day, team, outcome_kind, outcome_reason, events FROM audit_daily_reason_count",
                "SELECT " + day + ", team, outcome_kind, outcome_reason, count(*) FROM audit_event WHERE outcome_kind IN ("
                        + reasonsRead() + ") GROUP BY 1, 2, 3, 4",
                "SELECT day, operation, outcome_kind, outcome_reason, events FROM audit_daily_platform_count",
                "SELECT " + day + ", operation, outcome_kind, outcome_reason, count(*) FROM audit_event GROUP BY 1, 2, 3, 4");
        for (Map.Entry<String, String> table : recounts.entrySet()) {
            assertThat(database.strings("SELECT count(*) FROM ((" + table.getValue() + ") EXCEPT ALL (" + table.getKey()
                    + ")) d")).as("missing from %s", table.getKey()).containsExactly("0");
            assertThat(database.strings("SELECT count(*) FROM ((" + table.getKey() + ") EXCEPT ALL (" + table.getValue()
                    + ")) d")).as("more in %s", table.getKey()).containsExactly("0");
        }
    }

    /** AuditSummary.REASONS_READ as SQL literals. */
    private static String reasonsRead() {
        return AuditSummary.REASONS_READ.stream().map(kind -> "'" + kind.name() + "'").sorted()
                .collect(java.util.stream.Collectors.joining(", "));
    }

    @Test
    void theDayReasonCountsKeepExactlyTheOutcomesWhoseReasonsASummaryReads() throws Exception {
        // One event of every outcome, each on a day of its own, appended as the service appends: the trigger's upserts.
        TestDatabase database = DATABASE.anotherMigrated();
        AuditHistory history = contexts.on(database).getBean(AuditHistory.class);
        Instant day = START;
        for (Outcome outcome : List.of(new Outcome.Accepted(), new Outcome.Planned(),
                new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED), new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE,
                        "VPS.org answered 503"), new Outcome.Submitted(), new Outcome.Completed(),
                new Outcome.Unresolved(ReasonCode.OUTCOME_UNKNOWN, "the answer was lost"),
                new Outcome.Unverifiable(ReasonCode.TRACKING_DEADLINE_PASSED, "no end by the deadline"))) {
            history.append(new AuditEvent(day, TEAMS.get(0), new RequestId("r-" + outcome.kind()), Operation.CREATE_SNAPSHOT,
                    Optional.of(new ServerId(1000)), Optional.empty(), outcome, OptionalInt.empty(), Map.of()));
            day = day.plus(Duration.ofDays(1));
        }
        fold(database);
        assertThat(database.strings("SELECT DISTINCT outcome_kind FROM audit_daily_reason_count ORDER BY 1"))
                .containsExactlyElementsOf(AuditSummary.REASONS_READ.stream().map(Enum::name).sorted().toList());
        // Every event is still counted by day and group, and by month with its reason.
        assertThat(database.strings("SELECT sum(events) FROM audit_daily_group_count")).containsExactly("8");
        assertThat(database.strings("SELECT count(DISTINCT outcome_kind) FROM audit_monthly_count")).containsExactly("8");
        assertTheCountsAreRecounts(database);
    }

    private static List<AuditSummary.Count> sqlRecount(TestDatabase database, SummaryQuery query) throws SQLException {
        String sql = "SELECT date_trunc(?, occurred_at, 'UTC'), " + (query.overTeams() ? "NULL::text" : "team")
                + ", operation, outcome_kind, count(*) FROM audit_event"
                + " WHERE occurred_at >= ? AND occurred_at < ? AND (CAST(? AS text) IS NULL OR team = ?) GROUP BY 1, 2, 3, 4";
        List<AuditSummary.Count> counts = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement select = bind(connection.prepareStatement(sql), query, 2)) {
            select.setString(1, query.bucket() == SummaryBucket.DAY ? "day" : "month");
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    counts.add(new AuditSummary.Count(rs.getObject(1, OffsetDateTime.class).toInstant(),
                            Optional.ofNullable(rs.getString(2)).map(TeamId::new), Operation.valueOf(rs.getString(3)),
                            Outcome.Kind.valueOf(rs.getString(4)), rs.getLong(5)));
                }
            }
        }
        return counts.stream().sorted(AuditSummary.COUNT_ORDER).toList();
    }

    private static List<AuditSummary.ReasonCount> sqlRejections(TestDatabase database, SummaryQuery query)
            throws SQLException {
        String sql = "SELECT outcome_reason, count(*) FROM audit_event WHERE outcome_kind = 'REJECTED'"
                + " AND occurred_at >= ? AND occurred_at < ? AND (CAST(? AS text) IS NULL OR team = ?) GROUP BY 1";
        List<AuditSummary.ReasonCount> reasons = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement select = bind(connection.prepareStatement(sql), query, 1)) {
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    reasons.add(new AuditSummary.ReasonCount(ReasonCode.valueOf(rs.getString(1)), rs.getLong(2)));
                }
            }
        }
        return reasons.stream().sorted(AuditSummary.REASON_ORDER).limit(query.topReasons()).toList();
    }

    /** The period and team from parameter {@code first} on. */
    private static PreparedStatement bind(PreparedStatement select, SummaryQuery query, int first) throws SQLException {
        select.setObject(first, OffsetDateTime.ofInstant(query.from(), ZoneOffset.UTC));
        select.setObject(first + 1, OffsetDateTime.ofInstant(query.to(), ZoneOffset.UTC));
        select.setString(first + 2, query.team().map(TeamId::value).orElse(null));
        select.setString(first + 3, query.team().map(TeamId::value).orElse(null));
        return select;
    }

    static void appendConcurrently(AuditHistory history, List<AuditEvent> events) throws Exception {
        // Several clients, so group commit writes multi-event batches (one trigger run per batch).
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> appended = new ArrayList<>();
            for (AuditEvent event : events) {
                appended.add(clients.submit(() -> history.append(event)));
            }
            for (Future<?> append : appended) {
                append.get();
            }
        } finally {
            clients.shutdown();
        }
    }

    static AuditEvent randomEvent(Random random, int i) {
        Instant at = START.plus(Duration.ofSeconds(random.nextLong(SPAN.toSeconds()))).plus(random.nextInt(1_000_000),
                ChronoUnit.MICROS);
        Operation operation = Operation.values()[random.nextInt(6)];
        ReasonCode reason = REASONS.get(random.nextInt(REASONS.size()));
        Outcome outcome = switch (random.nextInt(6)) {
            case 0 -> new Outcome.Accepted();
            case 1 -> new Outcome.Submitted();
            case 2 -> new Outcome.Completed();
            case 3 -> new Outcome.Rejected(reason);
            case 4 -> new Outcome.Failed(reason, "VPS.org answered 503");
            default -> new Outcome.Unresolved(ReasonCode.OUTCOME_UNKNOWN, "the answer was lost");
        };
        return new AuditEvent(at, TEAMS.get(random.nextInt(TEAMS.size())), new RequestId("r-" + i), operation,
                Optional.of(new ServerId(1000 + random.nextInt(20))), Optional.empty(), outcome, OptionalInt.empty(),
                Map.of());
    }

    static SummaryQuery randomQuery(Random random) {
        Instant from = around(random, START.minus(Duration.ofDays(5)), SPAN.plus(Duration.ofDays(5)));
        Duration length = switch (random.nextInt(3)) {
            case 0 -> Duration.ofMinutes(1 + random.nextInt(60 * 30));
            case 1 -> Duration.ofDays(1 + random.nextInt(40));
            default -> Duration.ofDays(random.nextInt(90)).plusSeconds(1 + random.nextInt(86_400));
        };
        Instant to = from.plus(length);
        if (random.nextBoolean()) {
            to = to.truncatedTo(ChronoUnit.DAYS).plus(1, ChronoUnit.DAYS);
        }
        Optional<TeamId> team = random.nextBoolean() ? Optional.empty() : Optional.of(TEAMS.get(random.nextInt(3)));
        return new SummaryQuery(team, from, to, random.nextBoolean() ? SummaryBucket.DAY : SummaryBucket.MONTH,
                1 + random.nextInt(SummaryQuery.MAX_TOP_REASONS), random.nextBoolean());
    }

    /** An instant in the window: a third at midnight, a third at a whole second, a third at a microsecond. */
    private static Instant around(Random random, Instant start, Duration window) {
        Instant at = start.plusSeconds(random.nextLong(window.toSeconds()));
        return switch (random.nextInt(3)) {
            case 0 -> at.truncatedTo(ChronoUnit.DAYS);
            case 1 -> at;
            default -> at.plus(random.nextInt(1_000_000), ChronoUnit.MICROS);
        };
    }

}
