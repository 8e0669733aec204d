package org.vpsrecovery.application.snapshot;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.application.recoverypoint.kind.RecoveryPointServers;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.port.TeamLimits;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotQuota;

public final class CreateSnapshotService implements CreateSnapshotUseCase {

    private final SnapshotProvider snapshots;
    private final ServerOwnership ownership;
    private final TeamLimits limits;
    private final ServerStates servers;
    private final AuditedAttempts attempts;
    private final RecoveryPointServers made;

    public CreateSnapshotService(SnapshotProvider snapshots, ServerOwnership ownership, TeamLimits limits,
                                 ServerStates servers, AuditedAttempts attempts) {
        this(snapshots, ownership, limits, servers, attempts, new RecoveryPointServers());
    }

    /** {@code made}: where the snapshots it makes are, for the deletes that share it (ADR 0048). */
    public CreateSnapshotService(SnapshotProvider snapshots, ServerOwnership ownership, TeamLimits limits,
                                 ServerStates servers, AuditedAttempts attempts, RecoveryPointServers made) {
        this.snapshots = snapshots;
        this.ownership = ownership;
        this.limits = limits;
        this.servers = Objects.requireNonNull(servers, "servers");
        this.attempts = attempts;
        this.made = Objects.requireNonNull(made, "made");
    }

    @Override
    public Snapshot createSnapshot(CreateSnapshotCommand command) {
        var team = command.context().team();
        var server = command.server();
        var attempt = attempts.attempt(command.context(), Operation.CREATE_SNAPSHOT)
                .onServer(server)
                .detail(AuditEvent.NAME, command.name().value());
        // The caller's words go into the history too: auditors read what a snapshot was said to be for.
        command.description().ifPresent(description -> attempt.detail(AuditEvent.DESCRIPTION, description.value()));
        if (!ownership.owns(team, server)) {
            throw attempt.refuse(new ResourceNotFound(ReasonCode.SERVER_NOT_FOUND, "server " + server + " not found"));
        }
        // A server at its limit or being restored is refused from a read without the lock; an allowed create is checked
        // again under it. Not while a restore overwrites the server, but its own safety snapshot (ADR 0003, session 49).
        Snapshot created = attempt.runDenyingEarly(
                () -> servers.current(new ServerRef(server, ""))
                        .takesNewPoint(command.safetySnapshotOf().map(OperationId::value))
                        .and(() -> SnapshotQuota.evaluate(server, snapshots.listSnapshots(Optional.of(server)),
                                limits.limitsFor(team))),
                () -> snapshots.createSnapshot(new SnapshotDraft(server, command.name(), command.description())),
                snapshot -> Optional.of(ResourceRef.of(snapshot.id())));
        made.made(ResourceRef.of(created.id()), created.server().id());
        return created;
    }
}
