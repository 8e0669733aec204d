package org.vpsrecovery.application.backup;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupRestorePolicy;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.server.ServerRef;

public final class RestoreServerFromBackupService implements RestoreServerFromBackupUseCase {

    private final BackupProvider provider;
    private final ServerOwnership ownership;
    private final TeamBackups backups;
    private final ServerStates servers;
    private final AuditedAttempts attempts;
    private final Clock clock;

    public RestoreServerFromBackupService(BackupProvider provider, ServerOwnership ownership, ServerStates servers,
                                          AuditedAttempts attempts, Clock clock) {
        this.provider = provider;
        this.ownership = ownership;
        this.backups = new TeamBackups(provider, ownership);
        this.servers = servers;
        this.attempts = attempts;
        this.clock = clock;
    }

    @Override
    public BackupRestoreStarted restoreServerFromBackup(RestoreServerFromBackupCommand command) {
        var team = command.context().team();
        var target = command.server();
        var id = command.backup();
        var attempt = attempts.attempt(command.context(), Operation.RESTORE_SERVER_FROM_BACKUP)
                .onServer(target)
                .about(ResourceRef.of(id));
        if (!ownership.owns(team, target)) {
            throw attempt.refuse(new ResourceNotFound(ReasonCode.SERVER_NOT_FOUND, "server " + target + " not found"));
        }
        Backup found = attempt.lookUp(() -> backups.find(team, id)).orElseThrow(() -> attempt.refuse(TeamBackups.notFound(id)));
        // The backup is the restore's source until its hold is over (ADR 0026). When it is another
        // server's, that server's lock is taken too, so its deletion cannot slip between our check and call.
        attempt.about(ResourceRef.of(id), found.server().id()).alsoLocking(found.server().id());
        AtomicReference<Backup> current = new AtomicReference<>(found);
        // The target's name is known when the backup is its own; otherwise the provider's answer names it.
        ServerRef targetRef = found.server().id().equals(target) ? found.server() : new ServerRef(target, "");
        var started = attempt.run(
                () -> {
                    current.set(backups.findOnServer(found.server().id(), id).orElseThrow(() -> TeamBackups.notFound(id)));
                    return BackupRestorePolicy.evaluate(current.get(), servers.current(targetRef), clock.instant());
                },
                () -> provider.restoreServerFromBackup(target, id),
                restore -> Optional.empty());
        return new BackupRestoreStarted(current.get(), started.server());
    }
}
