package org.vpsrecovery.bootstrap;

import io.micronaut.core.value.PropertyResolver;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.vpsrecovery.adapters.persistence.fairshare.PgFairShare;
import org.vpsrecovery.application.fairshare.FairShareSettings;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.FairShareLimits;

/**
 * Each team's fair share of VPS.org (ADR 0037): the platform's default under {@code vpsr.fair-share},
 * a team's own under {@code vpsr.teams.<team>}. A key this class does not know is refused by name.
 *
 * <pre>
 * vpsr.fair-share.requests-per-minute=600     (default 600: a burst of that many, refilled over a minute)
 * vpsr.fair-share.calls-in-flight=8           (default 8: requests of one team in flight at once, all instances)
 * vpsr.fair-share.call-lease=2m               (how long a dead instance's slots stay taken; at least 20s)
 * vpsr.teams.payments.requests-per-minute=120 (optional, the team's own)
 * vpsr.teams.payments.calls-in-flight=2       (optional, the team's own)
 * </pre>
 */
public final class ConfiguredFairShare implements FairShareSettings {

    static final String PREFIX = "vpsr.fair-share";
    static final String REQUESTS_PER_MINUTE = "requests-per-minute";
    static final String CALLS_IN_FLIGHT = "calls-in-flight";
    /** Read by the persistence adapter's factory (a duration, converted by Micronaut). */
    static final String CALL_LEASE = "call-lease";
    static final List<String> PLATFORM_SETTINGS = List.of(REQUESTS_PER_MINUTE, CALLS_IN_FLIGHT, CALL_LEASE);
    /** The settings a team may have, after {@code vpsr.teams.<team>.}. */
    static final List<String> TEAM_SETTINGS = List.of(REQUESTS_PER_MINUTE, CALLS_IN_FLIGHT);
    static final FairShareLimits PLATFORM_DEFAULT = new FairShareLimits(600, 8);

    private final FairShareLimits platform;
    private final Map<TeamId, FairShareLimits> teams;

    ConfiguredFairShare(FairShareLimits platform, Map<TeamId, FairShareLimits> teams) {
        this.platform = platform;
        this.teams = Map.copyOf(teams);
    }

    /** The platform's default and the given teams' own shares from a Micronaut environment (or any property source). */
    public static ConfiguredFairShare from(PropertyResolver properties, Set<TeamId> teams) {
        for (String key : new TreeSet<>(properties.getProperties(PREFIX).keySet())) {
            if (!PLATFORM_SETTINGS.contains(key)) {
                throw new IllegalArgumentException(PREFIX + "." + key + " is not a fair-share setting; the platform's "
                        + "share is " + PREFIX + "." + String.join(", " + PREFIX + ".", PLATFORM_SETTINGS));
            }
        }
        requireSafeLease(PREFIX + "." + CALL_LEASE, properties);
        FairShareLimits platform = limits(PREFIX + ".", properties, PLATFORM_DEFAULT);
        Map<TeamId, FairShareLimits> own = new LinkedHashMap<>();
        for (TeamId team : teams) {
            own.put(team, limits(ConfiguredTeams.PREFIX + "." + team.value() + ".", properties, platform));
        }
        return new ConfiguredFairShare(platform, own);
    }

    /**
     * The lease is the persistence adapter's (it reads the key); checked here, at start, so that a lease too short
     * for its renewal (another instance could claim a slot whose call still runs) stops the start by name.
     */
    private static void requireSafeLease(String key, PropertyResolver properties) {
        String raw = properties.get(key, String.class).map(String::strip).orElse("");
        if (raw.isEmpty()) {
            return;
        }
        Duration lease = properties.get(key, Duration.class)
                .orElseThrow(() -> new IllegalArgumentException(key + " must be a duration such as 2m or 90s, was " + raw));
        if (lease.compareTo(PgFairShare.SHORTEST_LEASE) < 0) {
            throw new IllegalArgumentException(key + " must be at least " + PgFairShare.SHORTEST_LEASE.toSeconds()
                    + "s (a block's lease is renewed once half gone, and the renewal must land before it ends), was " + raw);
        }
    }

    private static FairShareLimits limits(String prefix, PropertyResolver properties, FairShareLimits otherwise) {
        int requests = whole(prefix + REQUESTS_PER_MINUTE, properties, otherwise.requestsPerMinute(),
                FairShareLimits.MOST_REQUESTS_PER_MINUTE);
        int calls = whole(prefix + CALLS_IN_FLIGHT, properties, otherwise.callsInFlight(), FairShareLimits.MOST_CALLS_IN_FLIGHT);
        return new FairShareLimits(requests, calls);
    }

    private static int whole(String key, PropertyResolver properties, int otherwise, int most) {
        String raw = properties.get(key, String.class).map(String::strip).orElse("");
        if (raw.isEmpty()) {
            return otherwise;
        }
        return properties.get(key, Integer.class).filter(value -> value >= 1 && value <= most)
                .orElseThrow(() -> new IllegalArgumentException(key + " must be a whole number from 1 to " + most
                        + ", was " + raw));
    }

    public FairShareLimits platformDefault() {
        return platform;
    }

    @Override
    public FairShareLimits fairShareOf(TeamId team) {
        return teams.getOrDefault(team, platform);
    }
}
