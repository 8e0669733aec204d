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
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * The console's operations in flight ({@link RecoveryOperations#listNotFinal}) read the partial indexes of the states not
 * final (V6's open operations, V14's waiting restores, V21's approvals), not the ended operations, which are nearly all
 * of the table: no index of its own is needed.
 */
class OperationsInFlightIndexTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final TeamId BLUE = new TeamId("blue");
    private static final ServerId WEB = new ServerId(12345);

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Test
    void theOperationsInFlightAreReadThroughThePartialIndexesOfTheStatesNotFinalOnEitherPlan() throws SQLException {
        TestDatabase fresh = DATABASE.anotherMigrated();
        ApplicationContext context = contexts.onOneConnection(fresh);
        RecoveryOperations operations = context.getBean(RecoveryOperations.class);
        RecoveryOperation accepted = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("open"),
                Operation.CREATE_SNAPSHOT, WEB, Optional.empty(), T0, Duration.ofHours(1));
        RecoveryOperation waiting = RecoveryOperation.awaitingSafetySnapshot(OperationId.random(), BLUE,
                new RequestId("waiting"), Operation.RESTORE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(801)),
                Optional.empty(), T0.plusSeconds(1), Duration.ofMinutes(45));
        RecoveryOperation pending = RecoveryOperation.pendingApproval(OperationId.random(), BLUE, new RequestId("pending"),
                Operation.DELETE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(802)), Optional.empty(),
                Approval.requested(Actor.of("alice", Actor.Authentication.JWT, "key-1"), T0.plusSeconds(2),
                        T0.plus(Duration.ofHours(1)), false));
        for (RecoveryOperation o : List.of(accepted, waiting, pending)) {
            operations.add(o);
        }
        // 20,000 newer operations, ended.
        fresh.execute("""
                INSERT INTO recovery_operation (id, team, request_id, kind, server_id, state, accepted_at, updated_at,
                    deadline, next_check_at, checks, version)
                SELECT gen_random_uuid(), 'blue', 'ended-' || i, 'CREATE_SNAPSHOT', 12345, 'completed',
                    TIMESTAMPTZ '2026-11-30 11:00:00Z' + i * INTERVAL '1 second',
                    TIMESTAMPTZ '2026-11-30 11:00:00Z' + i * INTERVAL '1 second',
                    TIMESTAMPTZ '2026-11-30 12:00:00Z' + i * INTERVAL '1 second',
                    TIMESTAMPTZ '2026-11-30 11:00:00Z' + i * INTERVAL '1 second', 1, 2
                FROM generate_series(1, 20000) AS i""");
        fresh.execute("ANALYZE recovery_operation");

        // Often enough for the driver to prepare the statement and the server to settle on its generic plan.
        for (int fetch = 0; fetch < 12; fetch++) {
            assertThat(operations.listNotFinal(fetch % 2 == 0 ? Optional.empty() : Optional.of(BLUE), 201))
                    .as("fetch %d", fetch).extracting(RecoveryOperation::id)
                    .containsExactly(pending.id(), waiting.id(), accepted.id());
        }
        String prepared = preparedOnItsGenericPlan(context, "OR state = 'awaiting_safety_snapshot'");
        assertThat(prepared).as("the statement, on its generic plan").isNotNull();

        for (String plan : List.of(plan(fresh, "EXPLAIN (GENERIC_PLAN) " + prepared),
                plan(fresh, "EXPLAIN " + prepared.replace("$1", "NULL").replace("$2", "NULL").replace("$3", "201")),
                plan(fresh, "EXPLAIN " + prepared.replace("$1", "'blue'").replace("$2", "'blue'").replace("$3", "201")))) {
            assertThat(plan).contains("recovery_operation_open", "recovery_operation_awaiting_safety_snapshot",
                    "recovery_operation_approval_open").doesNotContain("Seq Scan");
        }
    }

    /** EXPLAIN's lines, sequential scans allowed: what the planner picks on a table of mostly ended operations. */
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
