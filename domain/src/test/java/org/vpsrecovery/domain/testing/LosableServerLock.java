package org.vpsrecovery.domain.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The in-memory server lock, whose holds a test can lose while their work runs, as a PostgreSQL lock is lost when its
 * session is ended under the holder (ADR 0023, amended in session 40): lost once {@link #lost} is set, or while
 * {@code lostWhen} says so.
 */
public final class LosableServerLock implements ServerLock {

    /** Set to lose the hold under way, and every hold after it. */
    public final AtomicBoolean lost = new AtomicBoolean();
    /** Whether a hold's work is running now. */
    public final AtomicBoolean holding = new AtomicBoolean();

    private final InMemoryServerLock held;
    private final BooleanSupplier lostWhen;

    public LosableServerLock(Duration maxWait) {
        this(maxWait, () -> false);
    }

    public LosableServerLock(Duration maxWait, BooleanSupplier lostWhen) {
        this.held = new InMemoryServerLock(maxWait);
        this.lostWhen = Objects.requireNonNull(lostWhen, "lostWhen");
    }

    @Override
    public <T> T callExclusively(ServerId server, Supplier<T> work) {
        return held.callExclusively(server, work);
    }

    @Override
    public <T> T callHolding(ServerId server, Function<Hold, T> work) {
        return held.callExclusively(server, () -> {
            holding.set(true);
            try {
                return work.apply(() -> !lost.get() && !lostWhen.getAsBoolean());
            } finally {
                holding.set(false);
            }
        });
    }
}
