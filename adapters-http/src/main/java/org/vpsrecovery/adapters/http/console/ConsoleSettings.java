package org.vpsrecovery.adapters.http.console;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import java.time.Duration;
import org.vpsrecovery.domain.common.TeamId;

/**
 * The console's settings (ADR 0041):
 * <pre>
 * vpsr.console.recovery-point-objective=24h          (the age past which a server's newest recovery point is stale)
 * vpsr.console.recovery-point-objectives.payments=6h (optional, per team)
 * vpsr.console.secure-cookie=auto                    (auto: Secure when the request came over https; always; never)
 * </pre>
 * The session expiries ({@code vpsr.console.idle-expiry}, {@code vpsr.console.absolute-expiry}) are
 * the session use case's, wired by the bootstrap. Built when the context starts: a wrong setting stops the start
 * with its key named, not the console with a 500.
 */
@Context
public class ConsoleSettings {

    private final Environment environment;
    private final Duration objective;
    private final String secureCookie;

    public ConsoleSettings(Environment environment,
                           @Value("${vpsr.console.recovery-point-objective:24h}") Duration objective,
                           @Value("${vpsr.console.secure-cookie:auto}") String secureCookie) {
        this.environment = environment;
        if (objective.isNegative() || objective.isZero()) {
            throw new IllegalArgumentException("vpsr.console.recovery-point-objective must be positive");
        }
        if (!secureCookie.equals("auto") && !secureCookie.equals("always") && !secureCookie.equals("never")) {
            throw new IllegalArgumentException("vpsr.console.secure-cookie must be auto, always or never, was " + secureCookie);
        }
        this.objective = objective;
        this.secureCookie = secureCookie;
    }

    /** The team's own objective if it has one, else the platform's. */
    public Duration objective(TeamId team) {
        return environment.getProperty("vpsr.console.recovery-point-objectives." + team.value(), Duration.class)
                .filter(d -> !d.isNegative() && !d.isZero())
                .orElse(objective);
    }

    boolean secureCookie(boolean overHttps) {
        return switch (secureCookie) {
            case "always" -> true;
            case "never" -> false;
            default -> overHttps;
        };
    }
}
