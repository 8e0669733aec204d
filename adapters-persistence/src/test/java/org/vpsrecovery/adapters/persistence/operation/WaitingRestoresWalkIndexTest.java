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
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * The continuation's walk of every waiting restore (ADR 0029, amended in session 41): a page after the first, on the
 * generic plan its prepared statement comes to, starts in V53's recovery_operation_due_in at the last row read (the
 * row comparison an index condition), so no new index is needed and a later page reads no earlier entry.
 */
class WaitingRestoresWalkIndexTest extends OperationIndexPlanTest {

    @Test
    void aPageAfterTheFirstOnItsGenericPlanStartsInTheDueInIndexAtTheLastRowRead() throws SQLException {
        addEndedCreates(fresh, "ended");
        List<RecoveryOperation> waiting = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            RecoveryOperation restore = RecoveryOperation.awaitingSafetySnapshot(OperationId.random(), BLUE,
                    new RequestId("restore-" + i), Operation.RESTORE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(900 + i)),
                    Optional.empty(), T0.plusSeconds(i), Duration.ofHours(1));
            operations.add(restore);
            waiting.add(restore);
        }
        fresh.execute("ANALYZE recovery_operation");
        Instant dueBy = T0.plus(Duration.ofMinutes(5));

        fetchedUntilItsGenericPlan(fetch -> assertThat(operations.dueInAfter(OperationState.AWAITING_SAFETY_SNAPSHOT, dueBy,
                waiting.get(fetch), 5)).as("fetch %d", fetch).containsExactlyElementsOf(waiting.subList(fetch + 1, fetch + 6)));

        String prepared = preparedOnItsGenericPlan(context, "(next_check_at, id) >");
        assertThat(prepared).as("the walk's next page, on its generic plan").isNotNull().contains("state NOT IN");
        assertThat(genericPlan(fresh, prepared)).contains("Index Scan using recovery_operation_due_in")
                .containsPattern("Index Cond: .*ROW\\(next_check_at, id\\) > ROW\\(");
    }
}
