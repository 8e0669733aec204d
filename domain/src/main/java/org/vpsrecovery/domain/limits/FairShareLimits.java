package org.vpsrecovery.domain.limits;

/**
 * A team's fair share of VPS.org (OWASP API4, ADR 0037): how many requests it may make per minute
 * (all at once at most, then refilled at that rate) and how many may be in flight at once, across
 * every instance of the service.
 */
public record FairShareLimits(int requestsPerMinute, int callsInFlight) {

    public static final int MOST_REQUESTS_PER_MINUTE = 1_000_000;
    public static final int MOST_CALLS_IN_FLIGHT = 10_000;

    public FairShareLimits {
        if (requestsPerMinute < 1 || requestsPerMinute > MOST_REQUESTS_PER_MINUTE) {
            throw new IllegalArgumentException("requests-per-minute must be a whole number from 1 to "
                    + MOST_REQUESTS_PER_MINUTE + ", was " + requestsPerMinute);
        }
        if (callsInFlight < 1 || callsInFlight > MOST_CALLS_IN_FLIGHT) {
            throw new IllegalArgumentException("calls-in-flight must be a whole number from 1 to "
                    + MOST_CALLS_IN_FLIGHT + ", was " + callsInFlight);
        }
    }
}
