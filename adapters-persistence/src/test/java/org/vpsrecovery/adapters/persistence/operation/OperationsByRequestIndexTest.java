package org.vpsrecovery.adapters.persistence.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.adapters.persistence.testing.GenericPlans.preparedOnItsGenericPlan;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;

/**
 * A policy run's create is found by its request id ({@link RecoveryOperations#withRequest}, ADR 0036, amended in
 * session 39) through V61's {@code recovery_operation_request}, not by reading the team's or the server's operations,
 * however many newer ones there are.
 */
class OperationsByRequestIndexTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final TeamId BLUE = new TeamId("blue");
    private static final ServerId WEB = new ServerId(12345);

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Test
    void theOperationsOfARequestAreReadThroughItsIndexOnEitherPlan() throws SQLException {
        TestDatabase fresh = DATABASE.anotherMigrated();
        ApplicationContext context = contexts.onOneConnection(fresh);
        RecoveryOperations operations = context.getBean(RecoveryOperations.class);
        RequestId run = new RequestId("policy-run:p1:12345:1764496800");
        RecoveryOperation create = RecoveryOperation.accepted(OperationId.random(), BLUE, run, Operation.CREATE_SNAPSHOT,
                WEB, Optional.empty(), T0, Duration.ofHours(1));
        operations.add(create);
        // 20,000 newer operations of the same team and server.
        fresh.execute("""
                INSERT INTO recovery_operation (id, team, request_id, kind, server_id, state, accepted_at, updated_at,
                    deadline, next_check_at, checks, version)
                SELECT gen_random_uuid(), 'blue', 'busy-' || i, 'CREATE_SNAPSHOT', 12345, 'completed',
                    TIMESTAMPTZ '2026-11-30 11:00:00Z' + i * INTERVAL '1 second',
                    TIMESTAMPTZ '2026-11-30 11:00:00Z' + i * INTERVAL '1 second',
                    TIMESTAMPTZ '2026-11-30 12:00:00Z' + i * INTERVAL '1 second',
                    TIMESTAMPTZ '2026-11-30 11:00:00Z' + i * INTERVAL '1 second', 1, 2
                FROM generate_series(1, 20000) AS i""");
        fresh.execute("ANALYZE recovery_operation");

        // Often enough for the driver to prepare the statement and the server to settle on its generic plan.
        for (int fetch = 0; fetch < 12; fetch++) {
            assertThat(operations.withRequest(BLUE, run, RecoveryOperations.MAX_PAGE)).as("fetch %d", fetch)
                    .extracting(RecoveryOperation::id).containsExactly(create.id());
        }
        String prepared = preparedOnItsGenericPlan(context, "AND request_id = ");
        assertThat(prepared).as("the statement, on its generic plan").isNotNull();

        for (String plan : List.of(plan(fresh, "EXPLAIN (GENERIC_PLAN) " + prepared),
                plan(fresh, "EXPLAIN " + prepared.replace("$1", "'blue'").replace("$2", "'" + run.value() + "'")
                        .replace("$3", "500")))) {
            assertThat(plan).contains("recovery_operation_request").doesNotContain("Seq Scan");
        }
    }

    /** EXPLAIN's lines, sequential scans allowed: what the planner picks on a table of a busy team's operations. */
    private static String plan(TestDatabase database, String explain) throws SQLException {
        // The simple protocol: the generic plan's $n placeholders are sent as text, bound to nothing.
        String simple = database.url() + (database.url().contains("?") ? "&" : "?") + "preferQueryMode=simple";
        StringBuilder plan = new StringBuilder();
        try (Connection connection = DriverManager.getConnection(simple, database.user(), database.password());
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(explain)) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
