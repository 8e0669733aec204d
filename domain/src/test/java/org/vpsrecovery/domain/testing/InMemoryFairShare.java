package org.vpsrecovery.domain.testing;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.FairShareLimits;
import org.vpsrecovery.domain.port.FairShare;
import org.vpsrecovery.domain.port.FairShareExceeded;

/**
 * The fair share in one process: a Bucket4j bucket per team and limits, and leased call slots, both
 * on the given clock. Its instances are one instance: the state is this object's.
 */
public final class InMemoryFairShare implements FairShare {

    static final Duration IN_FLIGHT_RETRY_AFTER = Duration.ofSeconds(1);

    private final Clock clock;
    private final Duration lease;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Map<TeamId, Map<UUID, Instant>> slots = new HashMap<>();

    public InMemoryFairShare(Clock clock, Duration lease) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lease = Objects.requireNonNull(lease, "lease");
    }

    @Override
    public void takeRequest(TeamId team, FairShareLimits limits) {
        Bucket bucket = buckets.computeIfAbsent(team.value() + "/" + limits.requestsPerMinute(), key -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(limits.requestsPerMinute())
                        .refillGreedy(limits.requestsPerMinute(), Duration.ofMinutes(1)).build())
                .withCustomTimePrecision(timeMeter(clock))
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) {
            throw FairShareExceeded.rate(limits.requestsPerMinute(), Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill())));
        }
    }

    @Override
    public synchronized CallSlot enterCall(TeamId team, FairShareLimits limits) {
        Instant now = clock.instant();
        Map<UUID, Instant> held = slots.computeIfAbsent(team, t -> new HashMap<>());
        held.values().removeIf(until -> !until.isAfter(now));
        if (held.size() >= limits.callsInFlight()) {
            throw FairShareExceeded.callsInFlight(limits.callsInFlight(), IN_FLIGHT_RETRY_AFTER);
        }
        UUID holder = UUID.randomUUID();
        held.put(holder, now.plus(lease));
        return () -> release(team, holder);
    }

    private synchronized void release(TeamId team, UUID holder) {
        slots.getOrDefault(team, Map.of()).remove(holder);
    }

    /** Bucket4j's time from a clock, so that tests move it by hand. */
    public static TimeMeter timeMeter(Clock clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }
}
