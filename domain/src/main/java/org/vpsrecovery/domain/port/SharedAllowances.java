package org.vpsrecovery.domain.port;

import java.time.Duration;
import java.util.Optional;

/**
 * Allowances of attempts shared by every instance on one database: each named allowance holds {@code capacity} and
 * refills it evenly over {@code interval} (the console's failed sign-ins, ADR 0041, amended in session 51). A change of
 * capacity or interval (a rolling restart) replaces the stored one in place, what is left kept.
 */
public interface SharedAllowances {

    /**
     * Takes one from the allowance {@code name}: empty when taken, otherwise how long until one refills.
     *
     * @throws PlatformUnavailable when the shared store cannot be reached
     */
    Optional<Duration> take(String name, long capacity, Duration interval);

    /** Gives one back to the allowance {@code name}, never above its capacity. */
    void giveBack(String name, long capacity, Duration interval);
}
