package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.vpsrecovery.adapters.persistence.testing.TestFlyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;

/**
 * V39's first and last sequence of each UTC day (ADR 0077): the pages trust them to hold every event of a day, so
 * they must equal the events' own bounds after the migration's pass over the events already stored, and after
 * inserts of any order of times, by the chain's appender or by inserters that do not take its lock.
 */
class AuditEventDaySequencesTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    static final FreshDatabase UNMIGRATED = FreshDatabase.empty();

    @Test
    void theMigrationBoundsTheEventsAlreadyStoredAndTheTriggerThoseAfter() throws SQLException {
        TestDatabase database = UNMIGRATED.database();
        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").target("38").load()
                .migrate();
        insertEvents(database, 1, 300, 5);
        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").load().migrate();
        assertTheBoundsAreTheEvents(database);
        // Later events with times of days already bounded, before them and after them; a statement adding nothing.
        insertEvents(database, 301, 40, -11);
        insertEvents(database, 341, 40, 29);
        insertEvents(database, 381, 0, 1);
        assertTheBoundsAreTheEvents(database);
        assertThat(database.strings("SELECT count(*) FROM audit_event_day_sequence")).isNotEqualTo(List.of("0"));
    }

    @Test
    void concurrentInsertersWithoutTheChainHeadLeaveExactBounds() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ExecutorService inserters = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = 1 + t * 10_000;
                int step = t % 2 == 0 ? 7 : -5;
                running.add(inserters.submit(() -> {
                    for (int s = 0; s < 30; s++) {
                        insertEvents(database, first + s * 5, 5, step);
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
        assertTheBoundsAreTheEvents(database);
    }

    /** Events {@code first..first+n-1}, {@code hours} apart from 2026-03-01 by their sequence (negative: going back). */
    private static void insertEvents(TestDatabase database, int first, int n, int hours) throws SQLException {
        String hash = HexFormat.of().formatHex(new byte[32]);
        database.execute("INSERT INTO audit_event (sequence, occurred_at, team, request_id, operation, outcome_kind, "
                + "previous_hash, hash) SELECT n, timestamptz '2026-03-01 00:00:00Z' + (n % 10000) * interval '"
                + hours + " hours', 'blue', 'r-' || n, 'CREATE_SNAPSHOT', 'ACCEPTED', decode('" + hash + "', 'hex'), "
                + "decode('" + hash + "', 'hex') FROM generate_series(" + first + ", " + (first + n - 1) + ") n");
    }

    /** After V52's fold: the table read directly, without the deltas (ADR 0119). */
    static void assertTheBoundsAreTheEvents(TestDatabase database) throws SQLException {
        AuditDailyCountsTest.fold(database);
        assertThat(database.strings("SELECT day || ' ' || first_sequence || ' ' || last_sequence "
                + "FROM audit_event_day_sequence ORDER BY day"))
                .isEqualTo(database.strings("SELECT (occurred_at AT TIME ZONE 'UTC')::date || ' ' || min(sequence) "
                        + "|| ' ' || max(sequence) FROM audit_event GROUP BY (occurred_at AT TIME ZONE 'UTC')::date "
                        + "ORDER BY 1"))
                .isNotEmpty();
    }

}
