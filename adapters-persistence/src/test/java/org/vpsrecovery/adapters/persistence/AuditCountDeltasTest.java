package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.port.AuditCountDeltas;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;

/**
 * V52's insert-only counts (ADR 0119): appends write deltas, {@code audit_count_fold()} moves them into the count
 * tables, and every read adds the deltas not folded yet, so the answers never depend on when the fold ran.
 */
class AuditCountDeltasTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Test
    void twoWritersAndConcurrentFoldsLeaveTheCountsExactlyTheRecount() throws Exception {
        // Two instances (two contexts, two pools) append at once while both fold, as their cluster jobs and reads
        // would: each delta must be moved exactly once, whatever fold's snapshot saw it first.
        TestDatabase database = DATABASE.anotherMigrated();
        ApplicationContext first = contexts.on(database);
        ApplicationContext second = contexts.on(database);
        List<AuditHistory> writers = List.of(first.getBean(AuditHistory.class), second.getBean(AuditHistory.class));
        List<AuditCountDeltas> folders = List.of(first.getBean(AuditCountDeltas.class),
                second.getBean(AuditCountDeltas.class));
        Random random = new Random(20261204L);
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 1600; i++) {
            events.add(AuditDailyCountsTest.randomEvent(random, i));
        }
        AtomicBoolean appending = new AtomicBoolean(true);
        AtomicLong folded = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> folds = new ArrayList<>();
            for (AuditCountDeltas folder : folders) {
                folds.add(pool.submit(() -> {
                    while (appending.get()) {
                        folded.addAndGet(folder.fold());
                    }
                    return null;
                }));
            }
            List<Future<?>> appends = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                AuditHistory writer = writers.get(w);
                List<AuditEvent> half = events.subList(w * 800, (w + 1) * 800);
                appends.add(pool.submit(() -> {
                    AuditDailyCountsTest.appendConcurrently(writer, half);
                    return null;
                }));
            }
            try {
                for (Future<?> append : appends) {
                    append.get();
                }
            } finally {
                appending.set(false);
            }
            for (Future<?> fold : folds) {
                fold.get();
            }
        } finally {
            pool.shutdown();
        }
        folded.addAndGet(folders.get(0).fold());

        // Every event moved once: no delta left, none moved twice, and each table the recount of the events.
        assertThat(folded.get()).isEqualTo(events.size());
        assertThat(database.strings("SELECT count(*) FROM audit_count_delta")).containsExactly("0");
        assertThat(database.strings("SELECT sum(events) FROM audit_daily_group_count")).containsExactly("1600");
        AuditDailyCountsTest.assertTheCountsAreRecounts(database);
        AuditEventDaySequencesTest.assertTheBoundsAreTheEvents(database);
    }

    @Test
    void summariesAndDayBoundsAreExactBeforeAnyFoldAfterOneAndHalfway() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ApplicationContext context = contexts.on(database);
        AuditHistory history = context.getBean(AuditHistory.class);
        AuditReports reports = context.getBean(AuditReports.class);
        AuditCountDeltas deltas = context.getBean(AuditCountDeltas.class);
        AuditSummaryCounts counts = new AuditSummaryCounts(PostgresAdapterFactory.pooled(context.getBean(DataSource.class)));
        AuditEventRowRepository rows = context.getBean(AuditEventRowRepository.class);
        Random random = new Random(20261205L);
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 900; i++) {
            events.add(AuditDailyCountsTest.randomEvent(random, i));
        }
        List<SummaryQuery> queries = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            queries.add(AuditDailyCountsTest.randomQuery(random));
        }
        // Whole months and days of every team, summed over teams and not: every read of the counts.
        for (SummaryBucket bucket : SummaryBucket.values()) {
            for (boolean byTeam : List.of(true, false)) {
                queries.add(new SummaryQuery(Optional.empty(), LocalDate.of(2026, 1, 1).atStartOfDay(java.time.ZoneOffset.UTC)
                        .toInstant(), LocalDate.of(2026, 5, 1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant(), bucket,
                        10, byTeam));
            }
        }

        AuditDailyCountsTest.appendConcurrently(history, events.subList(0, 450));
        // Deltas only: nothing folded yet.
        assertThat(database.strings("SELECT count(*) FROM audit_daily_group_count")).containsExactly("0");
        assertThat(database.strings("SELECT sum(events) FROM audit_count_delta")).containsExactly("450");
        assertExact(database, reports, counts, rows, queries);

        assertThat(deltas.fold()).isEqualTo(450);
        assertThat(database.strings("SELECT count(*) FROM audit_count_delta")).containsExactly("0");
        assertExact(database, reports, counts, rows, queries);

        // Halfway: the first half folded, the second still deltas, on the same days and groups.
        AuditDailyCountsTest.appendConcurrently(history, events.subList(450, 900));
        assertThat(database.strings("SELECT sum(events) FROM audit_count_delta")).containsExactly("450");
        assertExact(database, reports, counts, rows, queries);

        assertThat(deltas.fold()).isEqualTo(450);
        assertExact(database, reports, counts, rows, queries);
        AuditDailyCountsTest.assertTheCountsAreRecounts(database);
    }

    private static void assertExact(TestDatabase database, AuditReports reports, AuditSummaryCounts counts,
                                    AuditEventRowRepository rows, List<SummaryQuery> queries) throws SQLException {
        for (SummaryQuery query : queries) {
            assertThat(reports.summarize(query)).as("summary of %s", query).isEqualTo(counts.recount(query));
        }
        // The day bounds (V39) of every day of the span and around it, against the events' own.
        for (LocalDate day = LocalDate.of(2026, 1, 15); day.isBefore(LocalDate.of(2026, 4, 10)); day = day.plusDays(3)) {
            AuditEventRowRepository.SequenceBounds bounds = rows.sequenceBounds(day, day.minusDays(1), day, day.plusDays(1));
            String d = "DATE '" + day + "'";
            String utcDay = "(occurred_at AT TIME ZONE 'UTC')::date";
            assertThat(database.strings("SELECT concat_ws(' ', min(sequence) FILTER (WHERE " + utcDay + " >= " + d + "),"
                    + " max(sequence) FILTER (WHERE " + utcDay + " <= " + d + " - 1),"
                    + " max(sequence) FILTER (WHERE " + utcDay + " <= " + d + "),"
                    + " min(sequence) FILTER (WHERE " + utcDay + " >= " + d + " + 1)) FROM audit_event"))
                    .as("bounds of %s", day)
                    .containsExactly(String.join(" ", java.util.stream.Stream.of(bounds.from(), bounds.beforeFrom(),
                            bounds.to(), bounds.afterTo()).filter(java.util.Objects::nonNull).map(String::valueOf).toList()));
        }
    }
}
