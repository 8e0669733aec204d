package org.vpsrecovery.adapters.http.facade;

import com.nimbusds.jose.JWSAlgorithm;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How bearer JWTs from the company's identity provider are checked and read (ADR 0034): who issues
 * them, for which audience, where the signing keys are (JWKS), which algorithms, how much clock skew
 * is forgiven, and which claims name the teams and the role.
 */
public record JwtSettings(String issuer, String audience, URI jwksUrl, Set<JWSAlgorithm> algorithms,
                          Duration clockSkew, String teamsClaim, String roleClaim, String memberRole,
                          String auditorRole, Duration jwksCacheTtl, Duration jwksOutageTolerance,
                          Optional<Duration> maxTokenLifetime) {

    /** Asymmetric only: an HS* token "signed" with the public key, or {@code none}, is never accepted. */
    public static final Set<JWSAlgorithm> ALLOWED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** How long fetched keys are used before the JWKS is asked again (refreshed ahead of that). */
    public static final Duration DEFAULT_JWKS_CACHE_TTL = Duration.ofMinutes(5);
    /** How long the last good keys still check tokens while the identity provider cannot be reached. */
    public static final Duration DEFAULT_JWKS_OUTAGE_TOLERANCE = Duration.ofHours(4);
    public static final Duration MAX_JWKS_OUTAGE_TOLERANCE = Duration.ofHours(24);
    /** The bounds of the optional cap on a token's lifetime ({@code exp - iat}). */
    public static final Duration MIN_TOKEN_LIFETIME_CAP = Duration.ofMinutes(1);
    public static final Duration MAX_TOKEN_LIFETIME_CAP = Duration.ofDays(30);

    /** The JWKS cache's defaults: 5 minutes, and 4 hours of an identity provider's outage tolerated. */
    public JwtSettings(String issuer, String audience, URI jwksUrl, Set<JWSAlgorithm> algorithms, Duration clockSkew,
                       String teamsClaim, String roleClaim, String memberRole, String auditorRole) {
        this(issuer, audience, jwksUrl, algorithms, clockSkew, teamsClaim, roleClaim, memberRole, auditorRole,
                DEFAULT_JWKS_CACHE_TTL, DEFAULT_JWKS_OUTAGE_TOLERANCE);
    }

    /** No cap on a token's lifetime. */
    public JwtSettings(String issuer, String audience, URI jwksUrl, Set<JWSAlgorithm> algorithms, Duration clockSkew,
                       String teamsClaim, String roleClaim, String memberRole, String auditorRole, Duration jwksCacheTtl,
                       Duration jwksOutageTolerance) {
        this(issuer, audience, jwksUrl, algorithms, clockSkew, teamsClaim, roleClaim, memberRole, auditorRole,
                jwksCacheTtl, jwksOutageTolerance, Optional.empty());
    }

    public JwtSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(jwksUrl, "jwks url");
        Objects.requireNonNull(clockSkew, "clock skew");
        algorithms = Set.copyOf(algorithms);
        if (algorithms.isEmpty() || !ALLOWED.containsAll(algorithms)) {
            throw new IllegalArgumentException("algorithms must be among RS256, ES256");
        }
        if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException("clock skew must be from 0 to " + MAX_CLOCK_SKEW.toSeconds() + "s");
        }
        String scheme = String.valueOf(jwksUrl.getScheme());
        boolean loopback = "127.0.0.1".equals(jwksUrl.getHost()) || "localhost".equals(jwksUrl.getHost())
                || "[::1]".equals(jwksUrl.getHost());
        if (!(scheme.equals("https") || (scheme.equals("http") && loopback))) {
            throw new IllegalArgumentException("the JWKS URL must be https (http only on loopback), was " + jwksUrl);
        }
        for (String claim : new String[] {teamsClaim, roleClaim, memberRole, auditorRole}) {
            if (claim == null || claim.isBlank()) {
                throw new IllegalArgumentException("claim names and role values must not be blank");
            }
        }
        if (memberRole.equals(auditorRole)) {
            throw new IllegalArgumentException("the member and auditor roles must differ");
        }
        Objects.requireNonNull(jwksCacheTtl, "jwks cache ttl");
        Objects.requireNonNull(jwksOutageTolerance, "jwks outage tolerance");
        if (jwksCacheTtl.toMillis() < 100 || jwksCacheTtl.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("the JWKS cache time must be from 0.1s to 1h");
        }
        if (jwksOutageTolerance.compareTo(jwksCacheTtl) < 0 || jwksOutageTolerance.compareTo(MAX_JWKS_OUTAGE_TOLERANCE) > 0) {
            throw new IllegalArgumentException("the JWKS outage tolerance must be from the cache time to "
                    + MAX_JWKS_OUTAGE_TOLERANCE.toHours() + "h");
        }
        Objects.requireNonNull(maxTokenLifetime, "max token lifetime");
        if (maxTokenLifetime.filter(cap -> cap.compareTo(MIN_TOKEN_LIFETIME_CAP) < 0
                || cap.compareTo(MAX_TOKEN_LIFETIME_CAP) > 0).isPresent()) {
            throw new IllegalArgumentException("the max token lifetime must be from 1m to " + MAX_TOKEN_LIFETIME_CAP.toHours() + "h");
        }
    }
}
