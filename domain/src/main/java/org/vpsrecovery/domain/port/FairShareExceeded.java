package org.vpsrecovery.domain.port;

import java.time.Duration;
import java.util.Objects;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;

/** The team is over its fair share of VPS.org; nothing was done. It may try again after {@link #retryAfter()}. */
public final class FairShareExceeded extends RecoveryException {

    private final Duration retryAfter;

    private FairShareExceeded(ReasonCode reason, String message, Duration retryAfter) {
        super(reason, message);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retry after");
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retry after must be positive");
        }
    }

    /** {@code requestsPerMinute}: the team's rate, named so the team knows what it is over (session 51). */
    public static FairShareExceeded rate(int requestsPerMinute, Duration retryAfter) {
        return new FairShareExceeded(ReasonCode.TEAM_RATE_LIMITED, "the team's request rate (" + requestsPerMinute
                + " requests a minute) is spent; a request is allowed again after the wait", retryAfter);
    }

    public static FairShareExceeded callsInFlight(int bound, Duration retryAfter) {
        return new FairShareExceeded(ReasonCode.TEAM_CALLS_IN_FLIGHT_LIMITED,
                "the team already has " + bound + " requests in flight, as many as its fair share allows", retryAfter);
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
