package org.vpsrecovery.domain.port;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Allowances of attempts shared by every instance on one database: each named allowance holds {@code capacity} and
 * refills it evenly over {@code interval} (the console's failed sign-ins, ADR 0041, amended in session 51). A change of
 * capacity or interval (a rolling restart) replaces the stored one in place, what is left kept.
 */
public interface SharedAllowances {

    /**
     * Takes one from the allowance {@code name}, storing it if it is not kept yet: empty when taken, otherwise how long
     * until one refills.
     *
     * @throws PlatformUnavailable when the shared store cannot be reached
     */
    Optional<Duration> take(String name, long capacity, Duration interval);

    /**
     * Takes one from the allowance {@code name} only if it is kept already; one not kept (never taken from, or deleted
     * once full) is full and stays unstored: a right sign-in from an address that never failed writes nothing (ADR
     * 0041, amended in session 52).
     *
     * @throws PlatformUnavailable when the shared store cannot be reached
     */
    IfKept takeIfKept(String name, long capacity, Duration interval);

    /** Gives one back to the allowance {@code name}, never above its capacity. */
    void giveBack(String name, long capacity, Duration interval);

    /**
     * What {@link #takeIfKept} found: the allowance not kept (full; nothing taken nor stored), or kept and then either
     * one taken ({@code retryAfter} empty) or none left (how long until one refills).
     */
    record IfKept(boolean kept, Optional<Duration> retryAfter) {

        public static final IfKept NOT_KEPT = new IfKept(false, Optional.empty());
        public static final IfKept TAKEN = new IfKept(true, Optional.empty());

        public IfKept {
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (!kept && retryAfter.isPresent()) {
                throw new IllegalArgumentException("an allowance not kept is full: it has no wait");
            }
            if (retryAfter.filter(wait -> !wait.isPositive()).isPresent()) {
                throw new IllegalArgumentException("a wait must be positive, was " + retryAfter.get());
            }
        }

        public static IfKept empty(Duration retryAfter) {
            return new IfKept(true, Optional.of(retryAfter));
        }
    }
}
