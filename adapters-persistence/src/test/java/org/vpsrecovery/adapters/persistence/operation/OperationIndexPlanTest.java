package org.vpsrecovery.adapters.persistence.operation;

import io.micronaut.context.ApplicationContext;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;

/**
 * What the tests of which index a read of recovery_operation takes share: a fresh migrated database each test, the store
 * on a pool of one connection (what it prepared can be read back from that session), one team's server, the ended
 * operations that fill the table and the fetches that bring a prepared statement to its generic plan.
 */
abstract class OperationIndexPlanTest {

    static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    static final TeamId BLUE = new TeamId("blue");
    static final ServerId WEB = new ServerId(12345);

    /** Often enough for the driver to prepare a statement and the server to settle on its generic plan. */
    private static final int FETCHES_TO_ITS_GENERIC_PLAN = 12;

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    TestDatabase fresh;
    ApplicationContext context;
    RecoveryOperations operations;

    @BeforeEach
    final void storeOnOneConnectionOfAFreshDatabase() {
        fresh = DATABASE.anotherMigrated();
        context = contexts.onOneConnection(fresh);
        operations = context.getBean(RecoveryOperations.class);
    }

    /**
     * 20,000 completed creates of BLUE's WEB, all newer than T0, their request ids {@code requestPrefix-1} onwards,
     * then the table analyzed: the planner weighs an index against a table of ended operations.
     */
    static void addEndedCreates(TestDatabase database, String requestPrefix) throws SQLException {
        database.execute("""
                INSERT INTO recovery_operation (id, team, request_id, kind, server_id, state, accepted_at, updated_at,
                    deadline, next_check_at, checks, version)
                SELECT gen_random_uuid(), 'blue', '%s-' || i, 'CREATE_SNAPSHOT', 12345, 'completed',
                    TIMESTAMPTZ '2026-11-30 11:00:00Z' + i * INTERVAL '1 second',
                    TIMESTAMPTZ '2026-11-30 11:00:00Z' + i * INTERVAL '1 second',
                    TIMESTAMPTZ '2026-11-30 12:00:00Z' + i * INTERVAL '1 second',
                    TIMESTAMPTZ '2026-11-30 11:00:00Z' + i * INTERVAL '1 second', 1, 2
                FROM generate_series(1, 20000) AS i""".formatted(requestPrefix));
        database.execute("ANALYZE recovery_operation");
    }

    /** {@code fetch} run {@link #FETCHES_TO_ITS_GENERIC_PLAN} times, each told its number. */
    static void fetchedUntilItsGenericPlan(IntConsumer fetch) {
        for (int i = 0; i < FETCHES_TO_ITS_GENERIC_PLAN; i++) {
            fetch.accept(i);
        }
    }
}
