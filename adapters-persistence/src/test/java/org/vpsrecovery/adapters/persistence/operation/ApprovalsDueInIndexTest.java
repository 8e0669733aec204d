package org.vpsrecovery.adapters.persistence.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.adapters.persistence.testing.GenericPlans.genericPlan;
import static org.vpsrecovery.adapters.persistence.testing.GenericPlans.preparedOnItsGenericPlan;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * V50 made recovery_operation_due_in partial (ADR 0112): a create's or a delete's moves to in_progress and completed write
 * no entry there, and V53 its insert as accepted neither (ADR 0123); the approvals' work lists still read it on the
 * generic plan their prepared statement comes to (the predicate written in its SQL, which a bound state could not
 * prove), and the accepted ones by their next check read V6's open operations.
 */
class ApprovalsDueInIndexTest extends OperationIndexPlanTest {

    @Test
    void theApprovalsWorkListOnItsGenericPlanReadsTheDueInIndexThatACreatesMovesDoNotEnter() throws SQLException {
        assertThat(fresh.strings("SELECT indexdef FROM pg_indexes WHERE indexname = 'recovery_operation_due_in'"))
                .singleElement().asString()
                .contains("(state, next_check_at, id)",
                        "WHERE (state <> ALL (ARRAY['accepted'::text, 'in_progress'::text, 'completed'::text]))");
        Actor alice = Actor.of("alice", Actor.Authentication.JWT, "key-1");
        List<RecoveryOperation> pending = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Instant at = T0.plusSeconds(i);
            RecoveryOperation waiting = RecoveryOperation.pendingApproval(OperationId.random(), BLUE,
                    new RequestId("approve-" + i), Operation.DELETE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(900 + i)),
                    Optional.empty(), Approval.requested(alice, at, at.plus(Duration.ofMinutes(20)), false));
            operations.add(waiting);
            pending.add(waiting);
            operations.add(RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("create-" + i),
                    Operation.CREATE_SNAPSHOT, WEB, Optional.empty(), at, Duration.ofMinutes(30)));
        }
        assertTheWorkListOnItsGenericPlanReads(OperationState.PENDING_APPROVAL, pending, "state NOT IN",
                "recovery_operation_due_in");
    }

    /** An open state by its next check, on its generic plan, reads V6's open operations, which hold the accepted ones. */
    @Test
    void theAcceptedOperationsByTheirNextCheckOnTheirGenericPlanReadTheOpenOperationsIndex() throws SQLException {
        List<RecoveryOperation> accepted = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            RecoveryOperation one = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("create-" + i),
                    Operation.CREATE_SNAPSHOT, WEB, Optional.empty(), T0.plusSeconds(i), Duration.ofMinutes(30));
            operations.add(one);
            accepted.add(one);
        }
        assertTheWorkListOnItsGenericPlanReads(OperationState.ACCEPTED, accepted,
                "'unresolved') AND state =", "recovery_operation_open");
    }

    /**
     * Fetched often enough for the driver to prepare the statement and the server to settle on its generic plan (the
     * plan a bound state gets), each fetch the first five due, then that plan read off the server.
     */
    private void assertTheWorkListOnItsGenericPlanReads(OperationState state, List<RecoveryOperation> due,
                                                       String statementMark, String index) throws SQLException {
        fresh.execute("ANALYZE recovery_operation");
        fetchedUntilItsGenericPlan(fetch -> assertThat(operations.dueIn(state, T0.plus(Duration.ofMinutes(25)), 5))
                .as("fetch %d", fetch).containsExactlyElementsOf(due.subList(0, 5)));
        String prepared = preparedOnItsGenericPlan(context, statementMark);
        assertThat(prepared).as("the %s work list's statement, on its generic plan", state).isNotNull();
        assertThat(genericPlan(fresh, prepared)).contains(index);
    }
}
