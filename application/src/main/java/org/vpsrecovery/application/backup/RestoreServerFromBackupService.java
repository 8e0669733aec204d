package org.vpsrecovery.application.backup;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.application.restore.RestoreAnswer;
import org.vpsrecovery.application.restore.SafetySnapshots;
import org.vpsrecovery.domain.audit.AuditEvent;
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
    private final Optional<SafetySnapshots> safety;

    /** No safety snapshot before any restore. */
    public RestoreServerFromBackupService(BackupProvider provider, ServerOwnership ownership, ServerStates servers,
                                          AuditedAttempts attempts, Clock clock) {
        this(provider, ownership, servers, attempts, clock, Optional.empty());
    }

    public RestoreServerFromBackupService(BackupProvider provider, ServerOwnership ownership, ServerStates servers,
                                          AuditedAttempts attempts, Clock clock, Optional<SafetySnapshots> safety) {
        this.safety = safety;
        this.provider = provider;
        this.ownership = ownership;
        this.backups = new TeamBackups(provider, ownership);
        this.servers = servers;
        this.attempts = attempts;
        this.clock = clock;
    }

    @Override
    public RestoreAnswer<BackupRestoreStarted> requestRestore(RestoreServerFromBackupCommand command) {
        var team = command.context().team();
        if (safety.filter(s -> s.applies(team, command.skipSafetySnapshot())).isEmpty()) {
            return new RestoreAnswer.Started<>(restoreServerFromBackup(command));
        }
        var target = command.server();
        var id = command.backup();
        var attempt = attempts.attempt(command.context(), Operation.RESTORE_SERVER_FROM_BACKUP)
                .onServer(target)
                .about(ResourceRef.of(id));
        if (!ownership.owns(team, target)) {
            throw attempt.refuse(new ResourceNotFound(ReasonCode.SERVER_NOT_FOUND, "server " + target + " not found"));
        }
        Backup found = attempt.lookUp(() -> backups.find(team, id)).orElseThrow(() -> attempt.refuse(TeamBackups.notFound(id)));
        var source = found.server().id();
        attempt.about(ResourceRef.of(id), source).alsoLocking(source);
        ServerRef targetRef = source.equals(target) ? found.server() : new ServerRef(target, "");
        var waiting = safety.get().request(attempt, command.context(), Operation.RESTORE_SERVER_FROM_BACKUP, target,
                ResourceRef.of(id), Optional.of(source),
                () -> BackupRestorePolicy.evaluate(
                        backups.findOnServer(source, id).orElseThrow(() -> TeamBackups.notFound(id)),
                        servers.current(targetRef), clock.instant()));
        return new RestoreAnswer.AwaitingSafetySnapshot<>(waiting);
    }

    @Override
    public BackupRestoreStarted restoreServerFromBackup(RestoreServerFromBackupCommand command) {
        var team = command.context().team();
        var target = command.server();
        var id = command.backup();
        var attempt = attempts.attempt(command.context(), Operation.RESTORE_SERVER_FROM_BACKUP)
                .onServer(target)
                .about(ResourceRef.of(id));
        if (command.skipSafetySnapshot()) {
            attempt.detail(AuditEvent.SAFETY_SNAPSHOT, SafetySnapshots.SKIPPED);
        }
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
