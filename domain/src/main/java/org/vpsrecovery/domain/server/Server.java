package org.vpsrecovery.domain.server;

import java.util.Objects;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;

/**
 * A server and its status as far as the platform knows it. The provider has no status endpoint in
 * our sources, so an {@link ServerStatus.Kind#UNKNOWN} server is left for the provider to judge.
 */
public record Server(ServerRef ref, ServerStatus status) {

    public Server {
        Objects.requireNonNull(ref, "server");
        Objects.requireNonNull(status, "status");
    }

    public ServerId id() {
        return ref.id();
    }

    public boolean isRestoring() {
        return status.kind() == ServerStatus.Kind.RESTORING;
    }

    /** A server already being restored cannot take a second restore. */
    public Decision restorability() {
        return isRestoring()
                ? Decision.deny(ReasonCode.SERVER_NOT_RESTORABLE,
                        "server " + ref.id() + " is already being restored")
                : Decision.allow();
    }

    /** Starts a restore: the provider stops the server and puts it in {@code restoring}. */
    public Server beginRestore() {
        restorability().orThrow();
        return new Server(ref, ServerStatus.RESTORING);
    }

    /** The provider reports the restore finished: the server runs again. */
    public Server finishRestore() {
        if (!isRestoring()) {
            Decision.deny(ReasonCode.INVALID_TRANSITION, "server " + ref.id() + " is not being restored").orThrow();
        }
        return new Server(ref, ServerStatus.RUNNING);
    }
}
