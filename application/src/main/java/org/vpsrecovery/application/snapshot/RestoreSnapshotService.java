package org.vpsrecovery.application.snapshot;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.application.restore.RestoreAnswer;
import org.vpsrecovery.application.restore.SafetySnapshots;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotRestorePolicy;

public final class RestoreSnapshotService implements RestoreSnapshotUseCase {

    private final SnapshotProvider provider;
    private final TeamSnapshots snapshots;
    private final ServerStates servers;
    private final AuditedAttempts attempts;
    private final Optional<SafetySnapshots> safety;

    /** No safety snapshot before any restore. */
    public RestoreSnapshotService(SnapshotProvider provider, ServerOwnership ownership, ServerStates servers,
                                  AuditedAttempts attempts) {
        this(provider, ownership, servers, attempts, Optional.empty());
    }

    public RestoreSnapshotService(SnapshotProvider provider, ServerOwnership ownership, ServerStates servers,
                                  AuditedAttempts attempts, Optional<SafetySnapshots> safety) {
        this.provider = provider;
        this.snapshots = new TeamSnapshots(provider, ownership);
        this.servers = servers;
        this.attempts = attempts;
        this.safety = safety;
    }

    @Override
    public RestoreAnswer<SnapshotRestoreStarted> requestRestore(RestoreSnapshotCommand command) {
        var team = command.context().team();
        if (safety.filter(s -> s.applies(team, command.skipSafetySnapshot())).isEmpty()) {
            return new RestoreAnswer.Started<>(restoreSnapshot(command));
        }
        SnapshotId id = command.snapshot();
        var attempt = attempts.attempt(command.context(), Operation.RESTORE_SNAPSHOT).about(ResourceRef.of(id));
        Snapshot found = attempt.lookUp(() -> snapshots.find(team, id))
                .orElseThrow(() -> attempt.refuse(TeamSnapshots.notFound(id)));
        var server = found.server();
        var waiting = safety.get().request(attempt.onServer(server.id()), command.context(), Operation.RESTORE_SNAPSHOT,
                server.id(), ResourceRef.of(id), Optional.empty(),
                () -> SnapshotRestorePolicy.evaluate(
                        snapshots.findOnServer(server.id(), id).orElseThrow(() -> TeamSnapshots.notFound(id)),
                        servers.current(server)));
        return new RestoreAnswer.AwaitingSafetySnapshot<>(waiting);
    }

    @Override
    public SnapshotRestoreStarted restoreSnapshot(RestoreSnapshotCommand command) {
        SnapshotId id = command.snapshot();
        var attempt = attempts.attempt(command.context(), Operation.RESTORE_SNAPSHOT).about(ResourceRef.of(id));
        if (command.skipSafetySnapshot()) {
            attempt.detail(AuditEvent.SAFETY_SNAPSHOT, SafetySnapshots.SKIPPED);
        }
        Snapshot found = attempt.lookUp(() -> snapshots.find(command.context().team(), id))
                .orElseThrow(() -> attempt.refuse(TeamSnapshots.notFound(id)));
        var server = found.server();
        AtomicReference<Snapshot> current = new AtomicReference<>(found);
        var started = attempt.onServer(server.id()).run(
                () -> {
                    current.set(snapshots.findOnServer(server.id(), id).orElseThrow(() -> TeamSnapshots.notFound(id)));
                    return SnapshotRestorePolicy.evaluate(current.get(), servers.current(server));
                },
                () -> provider.restoreSnapshot(id),
                restore -> Optional.empty());
        return new SnapshotRestoreStarted(current.get(), started.server());
    }
}
