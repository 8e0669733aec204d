package org.vpsrecovery.adapters.http.console;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.value.PropertyResolver;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashMap;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.TeamDirectory;

/**
 * The console's settings (ADR 0041):
 * <pre>
 * vpsr.console.recovery-point-objective=24h          (the age past which a server's newest recovery point is stale)
 * vpsr.console.recovery-point-objectives.payments=6h (optional, per team: a configured team, a positive duration)
 * vpsr.console.secure-cookie=auto                    (auto: Secure unless plain http to loopback; always; never)
 * </pre>
 * Each team's objective is read once, here: one that is no positive duration, or names no configured team, refuses
 * the start naming its key (an {@code IllegalArgumentException}: one line and exit code 2, as the other settings). It
 * used to be looked up at each page and, unreadable ({@code 360min}) or not positive, silently replaced by the
 * platform's 24 h, so a 13 h old backup was "Within target" for a team that asked 6 h.
 * The session expiries ({@code vpsr.console.idle-expiry}, {@code vpsr.console.absolute-expiry}) are
 * the session use case's, wired by the bootstrap. Built when the context starts: a wrong setting stops the start
 * with its key named, not the console with a 500.
 */
@Context
public class ConsoleSettings {

    static final String OBJECTIVES = "vpsr.console.recovery-point-objectives";

    private final Duration objective;
    private final Map<TeamId, Duration> objectives;
    private final String secureCookie;

    /**
     * @param teams the configured teams, to refuse an objective of a team that is not one (a misspelt name); without a
     *              directory (an application context that configures no teams) the names can only be checked as names
     */
    public ConsoleSettings(PropertyResolver properties, @Nullable TeamDirectory teams,
                           @Value("${vpsr.console.recovery-point-objective:24h}") Duration objective,
                           @Value("${vpsr.console.secure-cookie:auto}") String secureCookie) {
        if (objective.isNegative() || objective.isZero()) {
            throw new IllegalArgumentException("vpsr.console.recovery-point-objective must be positive");
        }
        if (!secureCookie.equals("auto") && !secureCookie.equals("always") && !secureCookie.equals("never")) {
            throw new IllegalArgumentException("vpsr.console.secure-cookie must be auto, always or never, was " + secureCookie);
        }
        this.objective = objective;
        this.objectives = objectives(properties, Optional.ofNullable(teams).map(TeamDirectory::teams));
        this.secureCookie = secureCookie;
    }

    private static Map<TeamId, Duration> objectives(PropertyResolver properties, Optional<Set<TeamId>> known) {
        Map<TeamId, Duration> byTeam = new HashMap<>();
        for (String name : new java.util.TreeSet<>(properties.getProperties(OBJECTIVES).keySet())) {
            String key = OBJECTIVES + "." + name;
            TeamId team;
            try {
                team = new TeamId(name);
            } catch (IllegalArgumentException notATeam) {
                throw new IllegalArgumentException(key + ": " + name + " is not a team name (" + notATeam.getMessage() + ")");
            }
            if (known.isPresent() && !known.get().contains(team)) {
                throw new IllegalArgumentException(key + ": there is no team " + name + " (the teams are "
                        + String.join(", ", known.get().stream().map(TeamId::value).sorted().toList()) + ")");
            }
            String given = properties.getProperty(key, String.class).orElse("");
            Duration duration = properties.getProperty(key, Duration.class)
                    .orElseThrow(() -> new IllegalArgumentException(key + " must be a duration such as 6h, 90m or PT6H, was "
                            + given));
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(key + " must be positive, was " + given);
            }
            byTeam.put(team, duration);
        }
        return Map.copyOf(byTeam);
    }

    /** The team's own objective if it has one, else the platform's. */
    public Duration objective(TeamId team) {
        return objectives.getOrDefault(team, objective);
    }

    /**
     * {@code auto}: Secure unless the request came over plain http to this machine's loopback (the embedded service in
     * a browser beside it). It was Secure only over TLS here, so behind a TLS-terminating balancer the cookie went out
     * without it and a browser sent it on the first plain-http request to the host (session 49).
     */
    boolean secureCookie(boolean overHttps, boolean addressedToLoopback) {
        return switch (secureCookie) {
            case "always" -> true;
            case "never" -> false;
            default -> overHttps || !addressedToLoopback;
        };
    }
}
