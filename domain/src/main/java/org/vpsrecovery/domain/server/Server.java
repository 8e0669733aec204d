package org.vpsrecovery.domain.server;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.TeamId;

/**
 * A server and its status as far as the platform knows it. The provider has no status endpoint in
 * our sources, so an {@link ServerStatus.Kind#UNKNOWN} server is left for the provider to judge.
 * A restore started through the platform puts a {@link RestoreHold} on it:
 *
 * <pre>
 * idle ──beginRestore(hold)──▶ restoring ──finishRestore(at ≥ until)──▶ idle
 *                                  └──────releaseRestore(at &lt; until)──▶ idle
 * </pre>
 *
 * Illegal moves are refused: a second restore ({@code SERVER_NOT_RESTORABLE}), finishing a hold
 * that is not over or not there ({@code INVALID_TRANSITION}), releasing where there is no hold
 * ({@code NO_RESTORE_HOLD}).
 */
public record Server(ServerRef ref, ServerStatus status, Optional<RestoreHold> hold) {

    public Server {
        Objects.requireNonNull(ref, "server");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(hold, "hold (may be empty, not null)");
        if (hold.isPresent() && status.kind() != ServerStatus.Kind.RESTORING) {
            throw new IllegalArgumentException("a held server is restoring");
        }
        if (hold.isPresent() && !hold.get().server().equals(ref.id())) {
            throw new IllegalArgumentException("a server carries only its own restore hold");
        }
    }

    /** A server as the provider reports it, with no hold of the platform's. */
    public Server(ServerRef ref, ServerStatus status) {
        this(ref, status, Optional.empty());
    }

    /** A server the platform holds nothing on: its status is the provider's to judge. */
    public static Server idle(ServerRef ref) {
        return new Server(ref, ServerStatus.UNKNOWN);
    }

    public ServerId id() {
        return ref.id();
    }

    public boolean isRestoring() {
        return status.kind() == ServerStatus.Kind.RESTORING;
    }

    /**
     * A server already being restored cannot take a second restore. {@code asker}, the team asking, is told the
     * holding restore's operation only if it asked that restore; the server's owner since a teams-file move is told
     * the window alone (ADR 0026, amended in session 39).
     */
    public Decision restorabilityFor(TeamId asker) {
        Objects.requireNonNull(asker, "asking team");
        return restorabilityToldTo(Optional.of(asker));
    }

    /** {@link #restorabilityFor} as told to no team in particular: the hold's window, not whose restore holds it. */
    public Decision restorability() {
        return restorabilityToldTo(Optional.empty());
    }

    private Decision restorabilityToldTo(Optional<TeamId> asker) {
        if (!isRestoring()) {
            return Decision.allow();
        }
        String detail = "server " + ref.id() + " is already being restored"
                + hold.map(h -> " until " + h.until() + asker.flatMap(h::operationToldTo)
                        .map(operation -> " (operation " + operation + ")").orElse("")).orElse("");
        return refusedWhileRestoring(ReasonCode.SERVER_NOT_RESTORABLE, detail);
    }

    /**
     * A refusal because the server is restoring: held by a restore of ours, it ends with the hold, and says when (the
     * web adapter's Retry-After); restoring at the provider with no hold of ours, it has no end to tell.
     */
    public Decision refusedWhileRestoring(ReasonCode reason, String detail) {
        return hold.map(h -> Decision.denyUntil(reason, detail, h.until())).orElseGet(() -> Decision.deny(reason, detail));
    }

    /**
     * Whether a new snapshot or backup of this server may be made now: not while a restore holds it, since VPS.org stops
     * the server and overwrites its data, so a point made then is of neither the old data nor the restored (ADR 0003,
     * amended in session 49). Allowed: the safety snapshot of the restore holding it ({@code safetySnapshotOf}, that
     * restore's operation), taken before VPS.org is asked to restore.
     */
    public Decision takesNewPoint(Optional<UUID> safetySnapshotOf) {
        Objects.requireNonNull(safetySnapshotOf, "restore whose safety snapshot it is (may be empty, not null)");
        if (!isRestoring() || (safetySnapshotOf.isPresent() && hold.map(RestoreHold::operation).equals(safetySnapshotOf))) {
            return Decision.allow();
        }
        return refusedWhileRestoring(ReasonCode.SERVER_RESTORING, "server " + ref.id() + " is being restored"
                + hold.map(h -> " until " + h.until()).orElse("") + ": VPS.org overwrites its data, so no snapshot or "
                + "backup is made of it until the restore is done");
    }

    /** Starts a restore: the provider stops the server and puts it in {@code restoring}. */
    public Server beginRestore() {
        restorability().orThrow();
        return new Server(ref, ServerStatus.RESTORING);
    }

    /** Starts a restore the platform holds the server for, until the hold's window ends. */
    public Server beginRestore(RestoreHold restore) {
        Objects.requireNonNull(restore, "hold");
        restorability().orThrow();
        return new Server(ref, ServerStatus.RESTORING, Optional.of(restore));
    }

    /** The provider reports the restore finished: the server runs again. */
    public Server finishRestore() {
        if (!isRestoring()) {
            Decision.deny(ReasonCode.INVALID_TRANSITION, "server " + ref.id() + " is not being restored").orThrow();
        }
        return new Server(ref, ServerStatus.RUNNING);
    }

    /**
     * The hold's window ended at {@code at}: the platform holds the server no longer, and, with no
     * server status read at VPS.org, leaves its status to the provider.
     */
    public Server finishRestore(Instant at) {
        RestoreHold held = hold.orElseThrow(() -> denied(ReasonCode.INVALID_TRANSITION,
                "server " + ref.id() + " has no restore hold to finish"));
        if (!held.isOverAt(at)) {
            throw denied(ReasonCode.INVALID_TRANSITION, "the restore hold on server " + ref.id() + " lasts until "
                    + held.until() + "; release it to end it early");
        }
        return idle(ref);
    }

    /** Whether the owning team may end the hold at {@code at}: only a hold whose window has not ended. */
    public Decision releasability(Instant at) {
        if (hold.isEmpty() || hold.get().isOverAt(at)) {
            return Decision.deny(ReasonCode.NO_RESTORE_HOLD, "server " + ref.id() + " has no restore hold to release");
        }
        return Decision.allow();
    }

    /** The owning team ends the hold before its window ends; the server is then left to the provider. */
    public Server releaseRestore(Instant at) {
        releasability(at).orThrow();
        return idle(ref);
    }

    private static RecoveryDenied denied(ReasonCode reason, String detail) {
        return new RecoveryDenied(reason, detail);
    }
}
