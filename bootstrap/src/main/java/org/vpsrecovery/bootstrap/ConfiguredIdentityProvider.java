package org.vpsrecovery.bootstrap;

import com.nimbusds.jose.JWSAlgorithm;
import io.micronaut.core.value.PropertyResolver;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.vpsrecovery.adapters.http.facade.JwtSettings;

/**
 * The company's identity provider, from configuration (ADR 0034): off unless
 * {@code vpsr.identity.jwt.*} is set; then issuer, audience and JWKS URL are required and every key
 * is checked before the service starts, a wrong or unknown one refused by name (as the teams file's).
 *
 * <pre>
 * vpsr.identity.jwt.issuer=https://login.example.com/realms/ops        (the iss claim, exactly)
 * vpsr.identity.jwt.audience=vps-recovery                              (one of the aud claim's values)
 * vpsr.identity.jwt.jwks-url=https://login.example.com/realms/ops/certs (https; http on loopback only)
 * vpsr.identity.jwt.algorithms=RS256,ES256      (optional; RS256 and/or ES256 only)
 * vpsr.identity.jwt.clock-skew=60s              (optional; 0s-300s, default 60s)
 * vpsr.identity.jwt.teams-claim=vpsr_teams      (optional; a team id or a list of them)
 * vpsr.identity.jwt.role-claim=vpsr_role        (optional; the caller's role, or a list holding it, required in the token)
 * vpsr.identity.jwt.member-role=member          (optional; acts for the team(s) named)
 * vpsr.identity.jwt.auditor-role=auditor        (optional; reads every team's audit, as an auditor token)
 * vpsr.identity.jwt.jwks-cache=5m               (optional; keys used this long, refreshed ahead; 0.1s-1h)
 * vpsr.identity.jwt.jwks-outage-tolerance=4h    (optional; the last good keys serve this long while the JWKS
 *                                                cannot be fetched; then, or with none, JWTs answer 503)
 * vpsr.identity.jwt.max-token-lifetime=1h       (optional, off by default; 1m-720h: a token whose exp - iat is longer,
 *                                                or without iat, is refused)
 * </pre>
 */
public final class ConfiguredIdentityProvider {

    static final String PREFIX = "vpsr.identity.jwt";
    static final List<String> SETTINGS = List.of("issuer", "audience", "jwks-url", "algorithms", "clock-skew",
            "teams-claim", "role-claim", "member-role", "auditor-role", "jwks-cache", "jwks-outage-tolerance",
            "max-token-lifetime");

    private ConfiguredIdentityProvider() {
    }

    public static Optional<JwtSettings> from(PropertyResolver properties) {
        return fromSettings(properties.getProperties(PREFIX));
    }

    /** Settings named relative to {@code vpsr.identity.jwt.}; empty when none is given (JWTs then refused). */
    public static Optional<JwtSettings> fromSettings(Map<String, ?> given) {
        Map<String, String> settings = new TreeMap<>();
        given.forEach((key, value) -> settings.put(key, value == null ? "" : text(value)));
        if (settings.isEmpty()) {
            return Optional.empty();
        }
        settings.keySet().stream().filter(key -> !SETTINGS.contains(key)).findFirst().ifPresent(key -> {
            throw new IllegalArgumentException(PREFIX + "." + key + " is not an identity provider setting; they are "
                    + PREFIX + "." + String.join(", " + PREFIX + ".", SETTINGS));
        });
        String issuer = required(settings, "issuer");
        String audience = required(settings, "audience");
        URI jwks;
        try {
            jwks = new URI(required(settings, "jwks-url"));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(PREFIX + ".jwks-url is not a URL");
        }
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        for (String name : settings.getOrDefault("algorithms", "RS256,ES256").split(",")) {
            JWSAlgorithm algorithm = JWSAlgorithm.parse(name.strip());
            if (!JwtSettings.ALLOWED.contains(algorithm)) {
                throw new IllegalArgumentException(PREFIX + ".algorithms: " + name.strip()
                        + " is not accepted; RS256 and ES256 only (never none or HS*)");
            }
            algorithms.add(algorithm);
        }
        Duration skew;
        try {
            skew = parseDuration(settings.getOrDefault("clock-skew", "60s"));
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + ".clock-skew must be a duration such as 60s");
        }
        Duration cache;
        Duration tolerance;
        try {
            cache = parseDuration(settings.getOrDefault("jwks-cache", "5m"));
            tolerance = parseDuration(settings.getOrDefault("jwks-outage-tolerance", "4h"));
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + ".jwks-cache and " + PREFIX
                    + ".jwks-outage-tolerance must be durations such as 5m, 4h or PT0.5S");
        }
        Optional<Duration> maxLifetime;
        try {
            maxLifetime = Optional.ofNullable(settings.get("max-token-lifetime")).filter(text -> !text.isEmpty())
                    .map(ConfiguredIdentityProvider::parseDuration);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + ".max-token-lifetime must be a duration such as 1h or 30m");
        }
        try {
            return Optional.of(new JwtSettings(issuer, audience, jwks, algorithms, skew,
                    settings.getOrDefault("teams-claim", "vpsr_teams"), settings.getOrDefault("role-claim", "vpsr_role"),
                    settings.getOrDefault("member-role", "member"), settings.getOrDefault("auditor-role", "auditor"),
                    cache, tolerance, maxLifetime));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + ": " + e.getMessage());
        }
    }

    private static String text(Object value) {
        // A YAML list of algorithms arrives as a list.
        return value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList())
                : value.toString().strip();
    }

    private static String required(Map<String, String> settings, String key) {
        String value = settings.getOrDefault(key, "");
        if (value.isEmpty()) {
            throw new IllegalArgumentException(PREFIX + "." + key + " is required once any " + PREFIX + ".* is set");
        }
        return value;
    }

    /** {@code 60s}, {@code 2m}, {@code 4h}, or an ISO-8601 duration. */
    private static Duration parseDuration(String text) {
        if (text.matches("\\d{1,3}h")) {
            return Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        if (text.matches("\\d{1,6}s")) {
            return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        if (text.matches("\\d{1,4}m")) {
            return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        return Duration.parse(text);
    }
}
