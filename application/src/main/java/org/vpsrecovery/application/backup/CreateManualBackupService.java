package org.vpsrecovery.application.backup;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.backup.ManualBackupQuota;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.TeamLimits;
import org.vpsrecovery.domain.server.ServerRef;

public final class CreateManualBackupService implements CreateManualBackupUseCase {

    private final BackupProvider backups;
    private final ServerOwnership ownership;
    private final TeamLimits limits;
    private final ServerStates servers;
    private final AuditedAttempts attempts;

    public CreateManualBackupService(BackupProvider backups, ServerOwnership ownership, TeamLimits limits,
                                     ServerStates servers, AuditedAttempts attempts) {
        this.backups = backups;
        this.ownership = ownership;
        this.limits = limits;
        this.servers = Objects.requireNonNull(servers, "servers");
        this.attempts = attempts;
    }

    @Override
    public Backup createManualBackup(CreateManualBackupCommand command) {
        var team = command.context().team();
        var server = command.server();
        var attempt = attempts.attempt(command.context(), Operation.CREATE_MANUAL_BACKUP).onServer(server);
        // The caller's words go into the history too: auditors read what a backup was said to be for.
        command.description().ifPresent(description -> attempt.detail(AuditEvent.DESCRIPTION, description.value()));
        if (!ownership.owns(team, server)) {
            throw attempt.refuse(new ResourceNotFound(ReasonCode.SERVER_NOT_FOUND, "server " + server + " not found"));
        }
        // Read consistently: a manual backup left out of a list joined from pages, an automatic one gone meanwhile in its
        // place, keeps the list's length but would count one manual backup short (ADR 0010, amended in session 38).
        // One bound for the reads before and under the lock: together within one list's time, as the key's lease counts.
        ConsistentListBound bound = ConsistentListBound.oneDeadlineForARequest();
        // Not while a restore overwrites the server: the backup would be of neither its old data nor the restored (ADR
        // 0003, amended in session 49).
        return attempt.run(
                () -> servers.current(new ServerRef(server, "")).takesNewPoint(Optional.empty())
                        .and(() -> ManualBackupQuota.evaluate(server,
                                backups.listBackupsConsistently(Optional.of(server), Optional.empty(), bound),
                                limits.limitsFor(team))),
                () -> backups.createManualBackup(new BackupDraft(server, command.description())),
                created -> Optional.of(ResourceRef.of(created.id())));
    }
}
