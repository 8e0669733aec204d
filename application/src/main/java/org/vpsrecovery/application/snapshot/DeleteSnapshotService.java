package org.vpsrecovery.application.snapshot;

import java.util.Optional;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.hold.RecoveryPointHeldPolicy;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDeletionPolicy;
import org.vpsrecovery.domain.snapshot.SnapshotId;

public final class DeleteSnapshotService implements DeleteSnapshotUseCase {

    private final SnapshotProvider provider;
    private final TeamSnapshots snapshots;
    private final ServerStates servers;
    private final AuditedAttempts attempts;
    private final RecoveryPointHolds holds;

    public DeleteSnapshotService(SnapshotProvider provider, ServerOwnership ownership, ServerStates servers,
                                AuditedAttempts attempts, RecoveryPointHolds holds) {
        this.holds = java.util.Objects.requireNonNull(holds, "holds");
        this.provider = provider;
        this.snapshots = new TeamSnapshots(provider, ownership);
        this.servers = servers;
        this.attempts = attempts;
    }

    @Override
    public void deleteSnapshot(DeleteSnapshotCommand command) {
        SnapshotId id = command.snapshot();
        var attempt = attempts.attempt(command.context(), Operation.DELETE_SNAPSHOT).about(ResourceRef.of(id));
        var found = attempt.lookUp(() -> snapshots.find(command.context().team(), id))
                .orElseThrow(() -> attempt.refuse(TeamSnapshots.notFound(id)));
        var server = found.server();
        attempt.onServer(server.id()).run(
                () -> SnapshotDeletionPolicy.evaluate(
                        seen(attempt, snapshots.findOnServer(server.id(), id).orElseThrow(() -> TeamSnapshots.notFound(id))),
                        servers.current(server),
                        // Read under this server's lock: the restores reading this snapshot, on any server.
                        servers.holdsOn(ResourceRef.of(id)))
                        // Read under the same lock a hold is placed under (ADR 0029).
                        .and(() -> RecoveryPointHeldPolicy.evaluate(ResourceRef.of(id), holds.activeOn(ResourceRef.of(id)))),
                () -> {
                    provider.deleteSnapshot(id);
                    return id;
                },
                deleted -> Optional.empty());
    }

    /**
     * Records in the delete's events the phase VPS.org shows for the snapshot now: once deleted, this is
     * the only sight of how it ended, and its create's outcome is taken from it (ADR 0024).
     */
    private static Snapshot seen(AuditedAttempts.Attempt attempt, Snapshot snapshot) {
        attempt.detail(AuditEvent.RECOVERY_POINT_STATUS, snapshot.status().phase().wireName());
        return snapshot;
    }
}
