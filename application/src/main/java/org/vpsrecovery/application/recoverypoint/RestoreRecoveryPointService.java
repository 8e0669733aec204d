package org.vpsrecovery.application.recoverypoint;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.vpsrecovery.application.approval.ApprovalGate;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.application.backup.BackupRestoreStarted;
import org.vpsrecovery.application.backup.RestoreServerFromBackupCommand;
import org.vpsrecovery.application.backup.RestoreServerFromBackupUseCase;
import org.vpsrecovery.application.backup.TeamBackups;
import org.vpsrecovery.application.recoverypoint.kind.PolicyCheck;
import org.vpsrecovery.application.recoverypoint.kind.RecoveryPoints;
import org.vpsrecovery.application.restore.RestoreAnswer;
import org.vpsrecovery.application.restore.SafetySnapshots;
import org.vpsrecovery.application.snapshot.RestoreSnapshotCommand;
import org.vpsrecovery.application.snapshot.RestoreSnapshotUseCase;
import org.vpsrecovery.application.snapshot.SnapshotRestoreStarted;
import org.vpsrecovery.application.snapshot.TeamSnapshots;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * Restores a server from a snapshot (onto its own server) or from a backup (onto any of the team's
 * servers): one audited path for both kinds, with the safety snapshot first when it applies (ADR 0029).
 */
public final class RestoreRecoveryPointService implements RestoreSnapshotUseCase, RestoreServerFromBackupUseCase {

    private final RecoveryPoints<SnapshotId, Snapshot> snapshots;
    private final RecoveryPoints<BackupId, Backup> backups;
    private final ServerOwnership ownership;
    private final ServerStates servers;
    private final AuditedAttempts attempts;
    private final Clock clock;
    private final Optional<SafetySnapshots> safety;
    private final Optional<ApprovalGate> approvals;

    /** No safety snapshot before any restore. */
    public RestoreRecoveryPointService(SnapshotProvider snapshots, BackupProvider backups, ServerOwnership ownership,
                                       ServerStates servers, AuditedAttempts attempts, Clock clock) {
        this(snapshots, backups, ownership, servers, attempts, clock, Optional.empty());
    }

    public RestoreRecoveryPointService(SnapshotProvider snapshots, BackupProvider backups, ServerOwnership ownership,
                                       ServerStates servers, AuditedAttempts attempts, Clock clock,
                                       Optional<SafetySnapshots> safety) {
        this(snapshots, backups, ownership, servers, attempts, clock, safety, Optional.empty());
    }

    /** With {@code approvals}: a request of a team whose restores need a second person waits for one (ADR 0040). */
    public RestoreRecoveryPointService(SnapshotProvider snapshots, BackupProvider backups, ServerOwnership ownership,
                                       ServerStates servers, AuditedAttempts attempts, Clock clock,
                                       Optional<SafetySnapshots> safety, Optional<ApprovalGate> approvals) {
        this.approvals = Objects.requireNonNull(approvals, "approvals");
        this.snapshots = new TeamSnapshots(snapshots, ownership);
        this.backups = new TeamBackups(backups, ownership);
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.servers = Objects.requireNonNull(servers, "servers");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.safety = Objects.requireNonNull(safety, "safety");
    }

    @Override
    public SnapshotRestoreStarted restoreSnapshot(RestoreSnapshotCommand command) {
        return restoreNow(request(command), SnapshotRestoreStarted::new);
    }

    @Override
    public RestoreAnswer<SnapshotRestoreStarted> requestRestore(RestoreSnapshotCommand command) {
        return requestRestore(request(command), SnapshotRestoreStarted::new);
    }

    @Override
    public BackupRestoreStarted restoreServerFromBackup(RestoreServerFromBackupCommand command) {
        return restoreNow(request(command), BackupRestoreStarted::new);
    }

    @Override
    public RestoreAnswer<BackupRestoreStarted> requestRestore(RestoreServerFromBackupCommand command) {
        return requestRestore(request(command), BackupRestoreStarted::new);
    }

    /**
     * A restore of {@code point}: onto {@code target}, or onto the point's own server when none is named. {@code
     * lookUps}: one bound for every look-up of the point, together within one list's time as the key's lease counts
     * (ADR 0010, amended in session 39).
     */
    private record Request<I, P>(RecoveryPoints<I, P> points, CallContext context, I point, Optional<ServerId> target,
                                 boolean skipSafetySnapshot, ConsistentListBound lookUps) {
    }

    private Request<SnapshotId, Snapshot> request(RestoreSnapshotCommand command) {
        return new Request<>(snapshots, command.context(), command.snapshot(), Optional.empty(),
                command.skipSafetySnapshot(), ConsistentListBound.oneDeadlineForARequest());
    }

    private Request<BackupId, Backup> request(RestoreServerFromBackupCommand command) {
        return new Request<>(backups, command.context(), command.backup(), Optional.of(command.server()),
                command.skipSafetySnapshot(), ConsistentListBound.oneDeadlineForARequest());
    }

    /**
     * The point, found for the caller's team, and the attempt about it. A restore onto a named server
     * runs on that server, and under the point's server's lock too, so that its deletion cannot slip
     * between the check and the call (ADR 0026).
     */
    private record Located<P>(AuditedAttempts.Attempt attempt, P point, ServerRef source, ServerId target) {

        ServerRef targetRef() {
            return RecoveryPoints.restoreTarget(source, target);
        }
    }

    private <I, P> Located<P> locate(Request<I, P> request) {
        return locate(request, attempt -> { });
    }

    /** {@code first} runs on the attempt before anything is looked up (the approval rule of who may ask). */
    private <I, P> Located<P> locate(Request<I, P> request, java.util.function.Consumer<AuditedAttempts.Attempt> first) {
        var points = request.points();
        var team = request.context().team();
        var attempt = attempts.attempt(request.context(), points.restoreOperation()).about(points.ref(request.point()));
        request.target().ifPresent(attempt::onServer);
        if (request.skipSafetySnapshot()) {
            attempt.detail(AuditEvent.SAFETY_SNAPSHOT, SafetySnapshots.SKIPPED);
        }
        first.accept(attempt);
        if (request.target().filter(target -> !ownership.owns(team, target)).isPresent()) {
            throw attempt.refuse(new ResourceNotFound(ReasonCode.SERVER_NOT_FOUND,
                    "server " + request.target().get() + " not found"));
        }
        P found = points.lookUp(attempt, team, request.point(), request.lookUps());
        ServerRef source = points.serverOf(found);
        if (request.target().isPresent()) {
            // The point is the restore's source until its hold is over (ADR 0026).
            attempt.about(points.ref(request.point()), source.id()).alsoLocking(source.id());
        } else {
            attempt.onServer(source.id());
        }
        return new Located<>(attempt, found, source, request.target().orElse(source.id()));
    }

    private <I, P> P current(Request<I, P> request, Located<P> located) {
        return request.points().findOnServer(located.source().id(), request.point(), request.lookUps())
                .orElseThrow(() -> request.points().notFound(request.point()));
    }

    private <I, P, R> R restoreNow(Request<I, P> request, BiFunction<P, Server, R> started) {
        Located<P> located = locate(request);
        AtomicReference<P> current = new AtomicReference<>(located.point());
        var restored = located.attempt().run(
                () -> {
                    current.set(current(request, located));
                    return PolicyCheck.firstRefusal(request.points().restoreChecks(current.get(), located.targetRef(),
                            servers, clock.instant(), request.context().team()));
                },
                () -> request.points().restore(located.target(), request.point()),
                restore -> Optional.empty());
        return started.apply(current.get(), restored.server());
    }

    /**
     * As requested over the API: with a safety snapshot of the target first when the team's setting is
     * on and the caller did not skip it, otherwise at once.
     */
    private <I, P, R> RestoreAnswer<R> requestRestore(Request<I, P> request, BiFunction<P, Server, R> started) {
        Optional<ApprovalGate> gate = approvals.filter(a -> a.applies(request.context(), request.points().restoreOperation()));
        if (gate.isPresent()) {
            // Checked now as the restore itself would be; the safety snapshot, if any, is taken once it runs.
            Located<P> located = locate(request, attempt -> gate.get().requirePersonAsking(attempt, request.context()));
            return new RestoreAnswer.PendingApproval<>(gate.get().hold(located.attempt(), request.context(),
                    request.points().restoreOperation(), located.target(), request.points().ref(request.point()),
                    request.target().map(target -> located.source().id()), request.skipSafetySnapshot(),
                    () -> PolicyCheck.firstRefusal(request.points().restoreChecks(current(request, located),
                            located.targetRef(), servers, clock.instant(), request.context().team()))));
        }
        if (safety.filter(s -> s.applies(request.context().team(), request.skipSafetySnapshot())).isEmpty()) {
            return new RestoreAnswer.Started<>(restoreNow(request, started));
        }
        Located<P> located = locate(request);
        var waiting = safety.get().request(located.attempt(), request.context(), request.points().restoreOperation(),
                located.target(), request.points().ref(request.point()),
                // Recorded when the restore names its target: the server the point is on (ADR 0026).
                request.target().map(target -> located.source().id()),
                () -> PolicyCheck.firstRefusal(request.points().restoreChecks(current(request, located),
                        located.targetRef(), servers, clock.instant(), request.context().team())));
        return new RestoreAnswer.AwaitingSafetySnapshot<>(waiting);
    }
}
