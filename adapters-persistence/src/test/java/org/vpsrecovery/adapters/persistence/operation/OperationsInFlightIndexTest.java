package org.vpsrecovery.adapters.persistence.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.adapters.persistence.testing.GenericPlans.plan;
import static org.vpsrecovery.adapters.persistence.testing.GenericPlans.preparedOnItsGenericPlan;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * The console's operations in flight ({@link RecoveryOperations#listNotFinal}) read the partial indexes of the states not
 * final (V6's open operations, V14's waiting restores, V21's approvals), not the ended operations, which are nearly all
 * of the table: no index of its own is needed.
 */
class OperationsInFlightIndexTest extends OperationIndexPlanTest {

    @Test
    void theOperationsInFlightAreReadThroughThePartialIndexesOfTheStatesNotFinalOnEitherPlan() throws SQLException {
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
        addEndedCreates(fresh, "ended");

        fetchedUntilItsGenericPlan(fetch -> assertThat(
                operations.listNotFinal(fetch % 2 == 0 ? Optional.empty() : Optional.of(BLUE), 201))
                .as("fetch %d", fetch).extracting(RecoveryOperation::id)
                .containsExactly(pending.id(), waiting.id(), accepted.id()));
        String prepared = preparedOnItsGenericPlan(context, "OR state = 'awaiting_safety_snapshot'");
        assertThat(prepared).as("the statement, on its generic plan").isNotNull();

        for (String plan : List.of(plan(fresh, "EXPLAIN (GENERIC_PLAN) " + prepared),
                plan(fresh, "EXPLAIN " + prepared.replace("$1", "NULL").replace("$2", "NULL").replace("$3", "201")),
                plan(fresh, "EXPLAIN " + prepared.replace("$1", "'blue'").replace("$2", "'blue'").replace("$3", "201")))) {
            assertThat(plan).contains("recovery_operation_open", "recovery_operation_awaiting_safety_snapshot",
                    "recovery_operation_approval_open").doesNotContain("Seq Scan");
        }
    }
}
