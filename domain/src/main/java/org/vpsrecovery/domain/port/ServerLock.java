package org.vpsrecovery.domain.port;

import java.util.function.Function;
import java.util.function.Supplier;
import org.vpsrecovery.domain.server.ServerId;

/**
 * Mutual exclusion per server, across threads and service instances, so that "check the limits,
 * then call the provider" is atomic. Waiting is bounded: past the bound, {@link ServerBusy}.
 */
public interface ServerLock {

    <T> T callExclusively(ServerId server, Supplier<T> work);

    /**
     * As {@link #callExclusively}, handing {@code work} its {@link Hold}: a lock held through a database session can
     * be lost while the work runs (the session ended by a failover or an administrator), and another holder may then
     * have it, so work that must not run beside another holder (a provider call after a limit check) asks first
     * (ADR 0023, amended in session 40). A lock that ends only with its own process keeps this default.
     */
    default <T> T callHolding(ServerId server, Function<Hold, T> work) {
        return callExclusively(server, () -> work.apply(Hold.UNTIL_RELEASED));
    }

    /** One holding of a server's lock, for as long as its work runs. */
    interface Hold {

        /** A hold only its release ends (a lock within one process). */
        Hold UNTIL_RELEASED = () -> true;

        /**
         * Whether the lock is still this holder's, as far as known now. {@code false}: it was lost, another may hold
         * it, and nothing that needs it may start.
         */
        boolean stillHeld();
    }
}
