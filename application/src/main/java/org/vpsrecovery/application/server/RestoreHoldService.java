package org.vpsrecovery.application.server;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.server.RestoreHold;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;

/**
 * A restore's hold on its server, read and ended early (ADR 0026). The hold is the restore's
 * operation: releasing it moves that operation to {@code released} (a versioned write, under the
 * server's lock) and writes the restore's final event, {@code UNVERIFIABLE RESTORE_HOLD_RELEASED}:
 * VPS.org has no server status read, so whether the restore finished cannot be established. The
 * release itself is audited as {@link Operation#RELEASE_RESTORE_HOLD}: intent, then outcome.
 *
 * <p>The teams file may have moved the server to another team since the restore was asked (ADR 0026, amended in
 * session 38): the current owner may release the former owner's hold, but nothing of either team crosses to the
 * other. The restore's final event stays filed under the team that asked, written by the system actor, naming
 * only "the server's current owner"; the release's own event, under the releasing team, names neither the former
 * owner's operation nor its source.
 */
public final class RestoreHoldService implements GetServerUseCase, ReleaseRestoreHoldUseCase {

    private static final System.Logger LOG = System.getLogger(RestoreHoldService.class.getName());

    private final ServerOwnership ownership;
    private final ServerStates servers;
    private final RecoveryOperations operations;
    private final AuditedAttempts attempts;
    private final AuditWriter writer;
    private final Clock clock;
    private final HoldReleasedEarly releasedEarly;

    public RestoreHoldService(ServerOwnership ownership, ServerStates servers, RecoveryOperations operations,
                              AuditedAttempts attempts, AuditWriter writer, Clock clock) {
        this(ownership, servers, operations, attempts, writer, clock, HoldReleasedEarly.NONE);
    }

    /** {@code releasedEarly}: told of each hold released, after its release is stored. */
    public RestoreHoldService(ServerOwnership ownership, ServerStates servers, RecoveryOperations operations,
                              AuditedAttempts attempts, AuditWriter writer, Clock clock,
                              HoldReleasedEarly releasedEarly) {
        this.releasedEarly = Objects.requireNonNull(releasedEarly, "released early");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.servers = Objects.requireNonNull(servers, "servers");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Server getServer(TeamId team, ServerId server) {
        if (!ownership.owns(team, server)) {
            throw notFound(server);
        }
        // A hold of a restore another team asked before the teams file moved the server carries that team: the owner is
        // told its window (the server is held), not its operation or source (RestoreHold.operationToldTo, sourceToldTo).
        return servers.current(unnamed(server));
    }

    @Override
    public ReleasedRestoreHold releaseRestoreHold(ReleaseRestoreHoldCommand command) {
        var context = command.context();
        ServerRef server = unnamed(command.server());
        var attempt = attempts.attempt(context, Operation.RELEASE_RESTORE_HOLD).onServer(server.id());
        if (!ownership.owns(context.team(), server.id())) {
            throw attempt.refuse(notFound(server.id()));
        }
        AtomicReference<RecoveryOperation> holding = new AtomicReference<>();
        AtomicReference<Server> held = new AtomicReference<>();
        ReleasedRestoreHold released = attempt.runHere(
                () -> {
                    Instant now = clock.instant();
                    Optional<RecoveryOperation> restore = servers.holdingRestore(server);
                    Server current = restore.flatMap(r -> r.hold(now)).map(Server.idle(server)::beginRestore)
                            .orElse(Server.idle(server));
                    Decision decision = current.releasability(now);
                    if (decision.isAllowed()) {
                        holding.set(restore.orElseThrow());
                        held.set(current);
                        if (restore.get().team().equals(context.team())) {
                            attempt.detail(AuditEvent.RESTORE_OPERATION_ID, restore.get().id().toString());
                            restore.get().resource().ifPresent(attempt::about);
                        }
                    }
                    return decision;
                },
                () -> release(holding.get(), held.get(), context.team(), context.requestId().value(), context.actor()));
        try {
            releasedEarly.released(released.server(), released.until());
        } catch (RuntimeException notTold) {
            // The release stands: what waited for the hold's end finds the server free then, as before session 51.
            LOG.log(System.Logger.Level.WARNING, "server {0}''s hold was released, but what waits for its end (until "
                    + "{1}) was not told: {2}", String.valueOf(released.server().value()), released.until(), notTold.toString());
        }
        return released;
    }

    private ReleasedRestoreHold release(RecoveryOperation restore, Server held, TeamId by, String requestId, Actor actor) {
        Instant now = clock.instant();
        held.releaseRestore(now); // the domain's rule: only a hold whose window has not ended
        // The restore's operation and final event are its own team's: another team (the server's owner since the
        // teams file changed) is named only as that, and its request and actor are audited under its own team.
        boolean ownTeam = restore.team().equals(by);
        String who = ownTeam ? "team " + by.value() : "the server's current owner";
        RecoveryOperation released = restore.releasedEarly(now, "hold released early by " + who
                + (ownTeam ? " (request " + requestId + ")" : ""));
        if (!operations.update(restore, released)) {
            // Copied into the releasing team's FAILED event and 409: another team is not told the restore's id.
            throw new RecoveryDenied(ReasonCode.NO_RESTORE_HOLD, (ownTeam ? "the restore " + restore.id()
                    : "the restore holding the server") + " ended meanwhile");
        }
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put(AuditEvent.ATTEMPT_ID, restore.id().toString());
        if (ownTeam) {
            detail.put("released_by_request", AuditEvent.detailValue(requestId));
        }
        (ownTeam ? actor : Actor.SYSTEM).into(detail);
        // A restore still waiting for its safety snapshot never reached VPS.org: released, it was not done, which the
        // platform knows; one VPS.org was asked to run may or may not have finished.
        Outcome outcome = restore.state() == OperationState.AWAITING_SAFETY_SNAPSHOT
                ? new Outcome.Failed(ReasonCode.RESTORE_HOLD_RELEASED, who + " released the hold at "
                        + now + " while the restore waited for its safety snapshot; VPS.org was never asked to restore")
                : new Outcome.Unverifiable(ReasonCode.RESTORE_HOLD_RELEASED, who + " released the hold at "
                        + now + ", before its window's end at " + restore.deadline() + "; VPS.org offers no server "
                        + "status read, so whether the restore finished cannot be established");
        writer.appendOrDefer(new AuditEvent(now, restore.team(), restore.requestId(), restore.kind(),
                Optional.of(restore.server()), restore.resource(), outcome, OptionalInt.empty(), detail));
        // Another team is answered that its server's hold is released, not with the restore's operation (its team,
        // request id and point), as its release's own audit events name none of them.
        RestoreHold hold = held.hold().orElseThrow();
        return new ReleasedRestoreHold(restore.server(), hold.since(), hold.until(), now,
                ownTeam ? Optional.of(released) : Optional.empty());
    }

    /** VPS.org has no server read and the platform keeps no names: the server is named by id alone. */
    private static ServerRef unnamed(ServerId server) {
        return new ServerRef(server, "");
    }

    private static ResourceNotFound notFound(ServerId server) {
        return new ResourceNotFound(ReasonCode.SERVER_NOT_FOUND, "server " + server + " not found");
    }
}
