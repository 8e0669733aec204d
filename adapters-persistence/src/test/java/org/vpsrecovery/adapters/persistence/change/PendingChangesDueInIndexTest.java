package org.vpsrecovery.adapters.persistence.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.adapters.persistence.testing.GenericPlans.genericPlan;
import static org.vpsrecovery.adapters.persistence.testing.GenericPlans.preparedOnItsGenericPlan;

import io.micronaut.context.ApplicationContext;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.change.PendingChange;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.port.PendingChanges;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The changes' work list (V24's partial pending_change_open, {@code WHERE state IN ('pending_approval', 'approved')})
 * on the generic plan its prepared statement comes to: the predicate written in its SQL, which a bound state alone
 * cannot prove (ADR 0123's for recovery_operation, amended in session 42 for pending_change).
 */
class PendingChangesDueInIndexTest {

    private static final Instant T0 = Instant.parse("2026-12-06T06:00:00Z");
    /** Often enough for the driver to prepare the statement and the server to settle on its generic plan. */
    private static final int FETCHES_TO_ITS_GENERIC_PLAN = 12;

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Test
    void theChangesWorkListOnItsGenericPlanReadsTheOpenChangesIndex() throws SQLException {
        TestDatabase fresh = DATABASE.anotherMigrated();
        ApplicationContext context = contexts.onOneConnection(fresh);
        PendingChanges changes = context.getBean(PendingChanges.class);
        Actor carol = Actor.of("carol", Actor.Authentication.JWT, "k1");
        List<PendingChange> pending = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Instant at = T0.plusSeconds(i);
            PendingChange change = PendingChange.holdRelease(OperationId.random(), new TeamId("blue"),
                    RequestId.random(), new HoldId(UUID.randomUUID()), new ResourceRef(ResourceRef.Type.BACKUP, 499),
                    new ServerId(12345), Approval.requested(carol, at, at.plus(Duration.ofHours(1)), false));
            changes.add(change, new ApprovalStep(Operation.REQUEST_APPROVAL, change.requestId()));
            pending.add(change);
        }
        fresh.execute("ANALYZE pending_change");

        for (int fetch = 0; fetch < FETCHES_TO_ITS_GENERIC_PLAN; fetch++) {
            assertThat(changes.dueIn(OperationState.PENDING_APPROVAL, T0.plus(Duration.ofHours(2)), 5))
                    .as("fetch %d", fetch).containsExactlyElementsOf(pending.subList(0, 5));
        }
        String prepared = preparedOnItsGenericPlan(context, "FROM pending_change WHERE state");
        assertThat(prepared).as("the work list's statement, on its generic plan").isNotNull();
        assertThat(genericPlan(fresh, prepared)).contains("pending_change_open");
    }
}
