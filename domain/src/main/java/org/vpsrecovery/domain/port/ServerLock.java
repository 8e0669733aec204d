package org.vpsrecovery.domain.port;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
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

    /**
     * As {@link #callHolding}, holding every one of {@code servers} at once (a restore from another server's backup
     * holds both servers, ADR 0026): taken in server-id order, so two changes that hold the same servers never wait
     * for each other crosswise, and held as one change, so what a store counts per change (PostgreSQL: its lock
     * connections) is taken once, never one more while the first is held (ADR 0023, amended in session 45). The one
     * {@link Hold} is lost once any of them is. This default nests {@link #callHolding} in id order: right for a lock
     * that counts nothing per hold (one within a process).
     */
    default <T> T callHoldingAll(Collection<ServerId> servers, Function<Hold, T> work) {
        Objects.requireNonNull(work, "work");
        List<ServerId> inOrder = inIdOrder(servers);
        return holdingFrom(inOrder, 0, List.of(), work);
    }

    private <T> T holdingFrom(List<ServerId> inOrder, int next, List<Hold> held, Function<Hold, T> work) {
        if (next == inOrder.size()) {
            return work.apply(() -> held.stream().allMatch(Hold::stillHeld));
        }
        return callHolding(inOrder.get(next), hold -> holdingFrom(inOrder, next + 1,
                Stream.concat(held.stream(), Stream.of(hold)).toList(), work));
    }

    /** {@code servers} once each, lowest id first: the order every holder of several takes them in (ADR 0026). */
    static List<ServerId> inIdOrder(Collection<ServerId> servers) {
        Objects.requireNonNull(servers, "servers");
        List<ServerId> inOrder = servers.stream().map(server -> Objects.requireNonNull(server, "server")).distinct()
                .sorted(Comparator.comparingLong(ServerId::value)).toList();
        if (inOrder.isEmpty()) {
            throw new IllegalArgumentException("a change holds at least one server");
        }
        return inOrder;
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
