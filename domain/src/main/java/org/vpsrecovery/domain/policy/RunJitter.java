package org.vpsrecovery.domain.policy;

import java.time.Duration;
import java.util.Objects;
import org.vpsrecovery.domain.server.ServerId;

/**
 * How long after its cron time a policy's run for one server happens: the same every time for the
 * same policy and server, spread over a tenth of the interval between runs and at most five minutes,
 * so thousands of servers do not reach VPS.org in the same second (ADR 0028).
 */
public final class RunJitter {

    public static final Duration CAP = Duration.ofMinutes(5);
    static final int FRACTION = 10;

    private RunJitter() {
    }

    /** The delay for {@code server} under {@code policy}, given the interval between two of its runs. */
    public static Duration of(PolicyId policy, ServerId server, Duration interval) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(interval, "interval");
        long bound = Math.min(interval.toMillis() / FRACTION, CAP.toMillis());
        if (bound <= 0) {
            return Duration.ZERO;
        }
        long mixed = mix(policy.value().getMostSignificantBits() ^ Long.rotateLeft(policy.value().getLeastSignificantBits(), 17)
                ^ Long.rotateLeft(server.value(), 31));
        return Duration.ofMillis(Math.floorMod(mixed, bound));
    }

    /** SplitMix64's finalizer: neighbouring server ids land far apart. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
