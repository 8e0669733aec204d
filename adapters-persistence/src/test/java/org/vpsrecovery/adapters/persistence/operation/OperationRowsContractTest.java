package org.vpsrecovery.adapters.persistence.operation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.approval.ApprovalDecision;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.contract.RecoveryOperationsContract;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** The operations contract against PostgreSQL, through the Micronaut Data repository as the service wires it. */
class OperationRowsContractTest extends RecoveryOperationsContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();
    @RegisterExtension
    static final AdapterContext.PerClass ADAPTERS = new AdapterContext.PerClass(DATABASE);

    @Override
    protected RecoveryOperations emptyOperations() {
        return ADAPTERS.emptied("recovery_operation", RecoveryOperations.class);
    }

    /**
     * An approval step's event is made from the operation in memory and, when owed, again from its row; the history
     * keeps the instant cut to the microsecond. A row rounded half up (the driver's binding of .123456789 as .123457)
     * made the settle job's event miss the first, and write a second (ADR 0040, amended session 38).
     */
    @Test
    void everyInstantIsStoredCutToTheMicrosecondAsTheAuditHistoryCutsItNeverRoundedUp() {
        RecoveryOperations operations = emptyOperations();
        Instant asked = Instant.parse("2026-11-30T10:00:00.123456789Z");
        Instant decided = Instant.parse("2026-11-30T10:01:00.654321999Z");
        RecoveryOperation pending = askedByAlice("r-nanos", Operation.DELETE_SNAPSHOT, asked, Duration.ofHours(1));
        operations.add(pending, new ApprovalStep(Operation.REQUEST_APPROVAL, new RequestId("r-nanos")));

        RecoveryOperation stored = operations.find(pending.id()).orElseThrow();
        Approval approval = stored.approval().orElseThrow();
        assertThat(approval.requestedAt()).isEqualTo(AuditChain.storedInstant(asked))
                .isEqualTo(Instant.parse("2026-11-30T10:00:00.123456Z"));
        assertThat(approval.expiresAt()).isEqualTo(AuditChain.storedInstant(asked.plus(Duration.ofHours(1))));
        assertThat(stored.acceptedAt()).isEqualTo(AuditChain.storedInstant(asked));
        assertThat(stored.updatedAt()).isEqualTo(AuditChain.storedInstant(asked));
        assertThat(stored.deadline()).isEqualTo(AuditChain.storedInstant(pending.deadline()));
        assertThat(stored.nextCheckAt()).isEqualTo(AuditChain.storedInstant(pending.nextCheckAt()));

        RecoveryOperation approved = stored.approve(Actor.of("bob", Actor.Authentication.JWT, "key-1"), decided,
                Optional.empty(), Duration.ofMinutes(10));
        assertThat(operations.update(stored, approved,
                new ApprovalStep(Operation.APPROVE_OPERATION, new RequestId("r-bob")))).isTrue();

        RecoveryOperation afterDecision = operations.find(pending.id()).orElseThrow();
        assertThat(afterDecision.approval().orElseThrow().decision().map(ApprovalDecision::at))
                .contains(AuditChain.storedInstant(decided));
        assertThat(afterDecision.updatedAt()).isEqualTo(AuditChain.storedInstant(decided));
        assertThat(afterDecision.deadline()).isEqualTo(AuditChain.storedInstant(approved.deadline()));
        assertThat(afterDecision.nextCheckAt()).isEqualTo(AuditChain.storedInstant(approved.nextCheckAt()));
    }

    /** The unflushed insert of an operation without an approval (ADR 0084) is cut alike. */
    @Test
    void anUnflushedInsertIsStoredCutToTheMicrosecond() {
        RecoveryOperations operations = emptyOperations();
        Instant at = Instant.parse("2026-11-30T10:00:00.999999999Z");
        RecoveryOperation accepted = RecoveryOperation.accepted(OperationId.random(), new TeamId("blue"),
                new RequestId("r-unflushed"), Operation.CREATE_SNAPSHOT, new ServerId(12345), Optional.empty(), at,
                Duration.ofMinutes(15));
        operations.addUnflushed(accepted);

        RecoveryOperation stored = operations.find(accepted.id()).orElseThrow();
        assertThat(stored.acceptedAt()).isEqualTo(Instant.parse("2026-11-30T10:00:00.999999Z"));
        assertThat(stored.updatedAt()).isEqualTo(AuditChain.storedInstant(at));
        assertThat(stored.deadline()).isEqualTo(AuditChain.storedInstant(accepted.deadline()));
    }

    /** An approved run's instant (V65) is cut alike, so the hold's start read back is the run's stored instant. */
    @Test
    void anApprovedRunsInstantIsStoredCutToTheMicrosecond() {
        RecoveryOperations operations = emptyOperations();
        Instant asked = Instant.parse("2026-11-30T10:00:00Z");
        RecoveryOperation pending = askedByAlice("r-run-nanos", Operation.RESTORE_SNAPSHOT, asked, Duration.ofHours(2));
        operations.add(pending);
        RecoveryOperation approved = pending.approve(Actor.of("bob", Actor.Authentication.JWT, "key-1"),
                asked.plus(Duration.ofHours(1)), Optional.empty(), Duration.ofMinutes(10));
        assertThat(operations.update(pending, approved)).isTrue();
        Instant ranAt = Instant.parse("2026-11-30T11:00:02.123456789Z");
        RecoveryOperation run = approved.run(RecoveryOperation.accepted(pending.id(), pending.team(), pending.requestId(),
                pending.kind(), pending.server(), pending.resource(), ranAt, Duration.ofMinutes(15)));
        assertThat(operations.update(approved, run)).isTrue();

        RecoveryOperation stored = operations.find(pending.id()).orElseThrow();
        assertThat(stored.approvedRunAt()).contains(Instant.parse("2026-11-30T11:00:02.123456Z"));
        assertThat(stored.hold(ranAt).orElseThrow().since()).isEqualTo(AuditChain.storedInstant(ranAt));
    }

    /**
     * Team blue's {@code kind} of snapshot 801 on server 12345, awaiting approval: asked by alice at {@code asked}, to
     * be decided within {@code toDecide}.
     */
    private static RecoveryOperation askedByAlice(String requestId, Operation kind, Instant asked, Duration toDecide) {
        return RecoveryOperation.pendingApproval(OperationId.random(), new TeamId("blue"), new RequestId(requestId),
                kind, new ServerId(12345), ResourceRef.of(new SnapshotId(801)), Optional.empty(),
                Approval.requested(Actor.of("alice", Actor.Authentication.JWT, "key-1"), asked, asked.plus(toDecide),
                        false));
    }
}
