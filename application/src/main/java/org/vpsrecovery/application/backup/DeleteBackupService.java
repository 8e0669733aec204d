package org.vpsrecovery.application.backup;

import java.util.Optional;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.hold.RecoveryPointHeldPolicy;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.backup.BackupDeletionPolicy;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ServerOwnership;

public final class DeleteBackupService implements DeleteBackupUseCase {

    private final BackupProvider provider;
    private final TeamBackups backups;
    private final ServerStates servers;
    private final AuditedAttempts attempts;
    private final RecoveryPointHolds holds;

    public DeleteBackupService(BackupProvider provider, ServerOwnership ownership, ServerStates servers,
                               AuditedAttempts attempts, RecoveryPointHolds holds) {
        this.holds = java.util.Objects.requireNonNull(holds, "holds");
        this.provider = provider;
        this.backups = new TeamBackups(provider, ownership);
        this.servers = servers;
        this.attempts = attempts;
    }

    @Override
    public void deleteBackup(DeleteBackupCommand command) {
        BackupId id = command.backup();
        var attempt = attempts.attempt(command.context(), Operation.DELETE_BACKUP).about(ResourceRef.of(id));
        var found = attempt.lookUp(() -> backups.find(command.context().team(), id)).orElseThrow(() -> attempt.refuse(TeamBackups.notFound(id)));
        var server = found.server();
        attempt.onServer(server.id()).run(
                () -> BackupDeletionPolicy.evaluate(
                        seen(attempt, backups.findOnServer(server.id(), id).orElseThrow(() -> TeamBackups.notFound(id))),
                        servers.current(server),
                        // Read under this server's lock: the restores reading this backup, on any server.
                        servers.holdsOn(ResourceRef.of(id)))
                        // Read under the same lock a hold is placed under (ADR 0029).
                        .and(() -> RecoveryPointHeldPolicy.evaluate(ResourceRef.of(id), holds.activeOn(ResourceRef.of(id)))),
                () -> {
                    provider.deleteBackup(id);
                    return id;
                },
                deleted -> Optional.empty());
    }

    /**
     * Records in the delete's events the phase VPS.org shows for the backup now: once deleted, this is
     * the only sight of how it ended, and its create's outcome is taken from it (ADR 0024).
     */
    private static Backup seen(AuditedAttempts.Attempt attempt, Backup backup) {
        attempt.detail(AuditEvent.RECOVERY_POINT_STATUS, backup.status().phase().wireName());
        return backup;
    }
}
