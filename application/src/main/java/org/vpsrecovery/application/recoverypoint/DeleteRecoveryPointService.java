package org.vpsrecovery.application.recoverypoint;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.application.approval.ApprovalGate;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.application.backup.DeleteBackupCommand;
import org.vpsrecovery.application.backup.DeleteBackupUseCase;
import org.vpsrecovery.application.backup.TeamBackups;
import org.vpsrecovery.application.recoverypoint.kind.PolicyCheck;
import org.vpsrecovery.application.recoverypoint.kind.RecoveryPointServers;
import org.vpsrecovery.application.recoverypoint.kind.RecoveryPoints;
import org.vpsrecovery.application.snapshot.DeleteSnapshotCommand;
import org.vpsrecovery.application.snapshot.DeleteSnapshotUseCase;
import org.vpsrecovery.application.snapshot.TeamSnapshots;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.policy.PolicyVersion;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** Deletes a snapshot or a backup: one audited path for both kinds. */
public final class DeleteRecoveryPointService implements DeleteSnapshotUseCase, DeleteBackupUseCase {

    private final RecoveryPoints<SnapshotId, Snapshot> snapshots;
    private final RecoveryPoints<BackupId, Backup> backups;
    private final ServerStates servers;
    private final AuditedAttempts attempts;
    private final RecoveryPointHolds holds;
    private final Optional<ApprovalGate> approvals;
    private final ServerOwnership ownership;
    private final RecoveryPointServers made;

    public DeleteRecoveryPointService(SnapshotProvider snapshots, BackupProvider backups, ServerOwnership ownership,
                                      ServerStates servers, AuditedAttempts attempts, RecoveryPointHolds holds) {
        this(snapshots, backups, ownership, servers, attempts, holds, Optional.empty());
    }

    /** With {@code approvals}: a request of a team whose deletes need a second person waits for one (ADR 0040). */
    public DeleteRecoveryPointService(SnapshotProvider snapshots, BackupProvider backups, ServerOwnership ownership,
                                      ServerStates servers, AuditedAttempts attempts, RecoveryPointHolds holds,
                                      Optional<ApprovalGate> approvals) {
        this(snapshots, backups, ownership, servers, attempts, holds, approvals, new RecoveryPointServers());
    }

    /** With {@code made}: the servers of the points the platform made, shared with the creates (ADR 0048). */
    public DeleteRecoveryPointService(SnapshotProvider snapshots, BackupProvider backups, ServerOwnership ownership,
                                      ServerStates servers, AuditedAttempts attempts, RecoveryPointHolds holds,
                                      Optional<ApprovalGate> approvals, RecoveryPointServers made) {
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.made = Objects.requireNonNull(made, "made");
        this.snapshots = new TeamSnapshots(snapshots, ownership);
        this.backups = new TeamBackups(backups, ownership);
        this.servers = Objects.requireNonNull(servers, "servers");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.holds = Objects.requireNonNull(holds, "holds");
        this.approvals = Objects.requireNonNull(approvals, "approvals");
    }

    @Override
    public void deleteSnapshot(DeleteSnapshotCommand command) {
        delete(snapshots, command.context(), command.snapshot(), command.byPolicy());
    }

    @Override
    public void deleteBackup(DeleteBackupCommand command) {
        delete(backups, command.context(), command.backup(), command.byPolicy());
    }

    @Override
    public Optional<RecoveryOperation> requestDeleteSnapshot(DeleteSnapshotCommand command) {
        return request(snapshots, command.context(), command.snapshot(), command.byPolicy());
    }

    @Override
    public Optional<RecoveryOperation> requestDeleteBackup(DeleteBackupCommand command) {
        return request(backups, command.context(), command.backup(), command.byPolicy());
    }

    /** As asked over the API: held for a second person's approval when the team's setting says so, else at once. */
    private <I, P> Optional<RecoveryOperation> request(RecoveryPoints<I, P> points, CallContext context, I id,
                                                       Optional<PolicyVersion> byPolicy) {
        Optional<ApprovalGate> gate = approvals.filter(a -> a.applies(context, points.deleteOperation()));
        if (gate.isEmpty()) {
            delete(points, context, id, byPolicy);
            return Optional.empty();
        }
        var attempt = attempted(points, context, id, byPolicy);
        gate.get().requirePersonAsking(attempt, context);
        // One bound for both look-ups: together within one list's time, as the key's lease counts (ADR 0010).
        ConsistentListBound lookUps = ConsistentListBound.oneDeadlineForARequest();
        ServerId server = points.serverOf(points.lookUp(attempt, context.team(), id, lookUps)).id();
        attempt.onServer(server);
        return Optional.of(gate.get().hold(attempt, context, points.deleteOperation(), server, points.ref(id),
                Optional.empty(), false, () -> check(points, attempt, context.team(), server, id, lookUps)));
    }

    private <I, P> Decision check(RecoveryPoints<I, P> points, AuditedAttempts.Attempt attempt, TeamId asker,
                                  ServerId server, I id, ConsistentListBound lookUps) {
        P current = points.findOnServer(server, id, lookUps).orElseThrow(() -> points.notFound(id));
        // Once deleted, this is the only sight of how the point ended; its create's outcome
        // is taken from it (ADR 0024).
        attempt.detail(AuditEvent.RECOVERY_POINT_STATUS, points.statusOf(current).phase().wireName());
        return PolicyCheck.firstRefusal(points.deletionChecks(current, points.serverOf(current), servers, holds, asker));
    }

    /**
     * The delete's attempt; a policy's names the policy and its version in every event, which its request id alone
     * (the policy, not the version) cannot tell after an edit (ADR 0028, amended in session 49).
     */
    private <I, P> AuditedAttempts.Attempt attempted(RecoveryPoints<I, P> points, CallContext context, I id,
                                                     Optional<PolicyVersion> byPolicy) {
        var attempt = attempts.attempt(context, points.deleteOperation()).about(points.ref(id));
        byPolicy.ifPresent(policy -> attempt.detail(AuditEvent.POLICY_ID, policy.policy().value().toString())
                .detail(AuditEvent.POLICY_VERSION, Long.toString(policy.version())));
        return attempt;
    }

    private <I, P> void delete(RecoveryPoints<I, P> points, CallContext context, I id, Optional<PolicyVersion> byPolicy) {
        var attempt = attempted(points, context, id, byPolicy);
        ResourceRef point = points.ref(id);
        // One bound for both look-ups: together within one list's time, as the key's lease counts (ADR 0010).
        ConsistentListBound lookUps = ConsistentListBound.oneDeadlineForARequest();
        // A point the platform made is on the server VPS.org's answer named (if the team still owns it): read
        // again under that server's lock, which decides; any other is looked up among the team's (ADR 0048).
        ServerId server = made.serverOf(point).filter(known -> ownership.owns(context.team(), known))
                .orElseGet(() -> points.serverOf(points.lookUp(attempt, context.team(), id, lookUps)).id());
        try {
            attempt.onServer(server).run(
                    () -> check(points, attempt, context.team(), server, id, lookUps),
                    () -> {
                        points.delete(id);
                        return id;
                    },
                    deleted -> Optional.empty());
        } catch (ResourceNotFound gone) {
            made.gone(point);
            throw gone;
        }
        made.gone(point);
    }
}
