package org.vpsrecovery.adapters.persistence.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.adapters.persistence.testing.GenericPlans.plan;
import static org.vpsrecovery.adapters.persistence.testing.GenericPlans.preparedOnItsGenericPlan;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;

/**
 * A policy run's create is found by its request id ({@link RecoveryOperations#withRequest}, ADR 0036, amended in
 * session 39) through V61's {@code recovery_operation_request}, not by reading the team's or the server's operations,
 * however many newer ones there are.
 */
class OperationsByRequestIndexTest extends OperationIndexPlanTest {

    @Test
    void theOperationsOfARequestAreReadThroughItsIndexOnEitherPlan() throws SQLException {
        RequestId run = new RequestId("policy-run:p1:12345:1764496800");
        RecoveryOperation create = RecoveryOperation.accepted(OperationId.random(), BLUE, run, Operation.CREATE_SNAPSHOT,
                WEB, Optional.empty(), T0, Duration.ofHours(1));
        operations.add(create);
        // 20,000 newer operations of the same team and server.
        addEndedCreates(fresh, "busy");

        fetchedUntilItsGenericPlan(fetch -> assertThat(operations.withRequest(BLUE, run, RecoveryOperations.MAX_PAGE))
                .as("fetch %d", fetch).extracting(RecoveryOperation::id).containsExactly(create.id()));
        String prepared = preparedOnItsGenericPlan(context, "AND request_id = ");
        assertThat(prepared).as("the statement, on its generic plan").isNotNull();

        for (String plan : List.of(plan(fresh, "EXPLAIN (GENERIC_PLAN) " + prepared),
                plan(fresh, "EXPLAIN " + prepared.replace("$1", "'blue'").replace("$2", "'" + run.value() + "'")
                        .replace("$3", "500")))) {
            assertThat(plan).contains("recovery_operation_request").doesNotContain("Seq Scan");
        }
    }
}
