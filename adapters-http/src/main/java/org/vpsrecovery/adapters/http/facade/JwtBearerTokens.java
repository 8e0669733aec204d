package org.vpsrecovery.adapters.http.facade;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.common.AuditorName;
import org.vpsrecovery.domain.common.TeamId;

/**
 * Bearer JWTs of people, issued by the company's identity provider and checked against its JWKS with
 * nimbus-jose-jwt (the library micronaut-security-jwt uses; ADR 0034 says why not its filter):
 * signature by a key the JWKS holds now, RS256/ES256 only, issuer, audience, expiry and not-before
 * within the clock skew, a subject, and a role (the role claim text, or a list holding one of the two
 * roles: the identity provider's own roles or groups claim). A member names its team(s) in the teams claim; only
 * configured teams count, and a person of several teams picks one with {@value #TEAM_HEADER}.
 * The keys are cached and refreshed ahead of expiry; while the identity provider is unreachable the
 * last good keys serve for {@link JwtSettings#jwksOutageTolerance()}, and with none the verdict is
 * {@link Verdict.Unavailable} (503). Checking may fetch over HTTP: never call it on the event loop.
 */
public final class JwtBearerTokens {

    /** One answer whether the key id is unknown or asked about again too soon (nimbus's rate limit). */
    static final String NOT_SIGNED_BY_A_CURRENT_KEY =
            "the token is not signed by a current key of the identity provider with an accepted algorithm";

    public static final String TEAM_HEADER = "X-Vpsr-Team";
    /** RFC 9068's type of a JWT access token. */
    static final JOSEObjectType AT_JWT = new JOSEObjectType("at+jwt");
    static final String TYPE_NOT_ACCEPTED = "the token's type (typ) is not accepted; JWT, at+jwt or none";
    static final String ISSUED_IN_THE_FUTURE = "the token's issue time (iat) is in the future";
    static final String NO_ISSUE_TIME = "the token has no issue time (iat), which this service requires to cap a token's lifetime";
    static final String LIFETIME_TOO_LONG = "the token's lifetime (exp - iat) is longer than this service accepts";
    private static final int JWKS_TIMEOUT_MS = 2_000;
    private static final int JWKS_SIZE_LIMIT = 256 * 1024;
    /** Refreshes the keys ahead of their expiry, off the request threads; daemon, so it never holds the JVM up. */
    private static final java.util.concurrent.ExecutorService REFRESH_AHEAD = java.util.concurrent.Executors
            .newSingleThreadExecutor(Thread.ofPlatform().daemon().name("jwks-refresh").factory());

    /** What a presented JWT came to: a caller, or why not (words safe to answer: no token, no key). */
    public sealed interface Verdict {
        /** {@code expiresAt}: the token's {@code exp}, past which nothing opened with it may last (the console's sessions). */
        record Accepted(Caller caller, Optional<Instant> expiresAt) implements Verdict {
            public Accepted(Caller caller) {
                this(caller, Optional.empty());
            }
        }

        record Refused(String why) implements Verdict {
        }

        /**
         * A token that holds up, whose claims give no caller of this service: no role of it, both, no configured team,
         * not the team chosen (403: who the person is is known, what they may do here is nothing).
         */
        record NotEntitled(String why) implements Verdict {
        }

        /**
         * A valid token of a person of several teams, none chosen with {@value #TEAM_HEADER}: the caller's choice is
         * missing, the token is fine (400 {@code TEAM_NOT_CHOSEN}; it was a 401, as if the token were bad).
         */
        record TeamNotChosen(String why) implements Verdict {
        }

        /** The identity provider's keys could not be fetched and none are kept: not the caller's fault (503). */
        record Unavailable(String why) implements Verdict {
        }
    }

    private final JwtSettings settings;
    private final Set<TeamId> knownTeams;
    private final DefaultJWTProcessor<SecurityContext> processor;
    /**
     * Whether any token was checked against keys fetched from the JWKS: until then a fetch refused by the rate limit
     * (another one failed moments before) says nothing of the token, only that the keys are not there yet.
     */
    private volatile boolean keysEverFetched;
    /**
     * Whether the last fetch of the JWKS failed, whichever thread made it (a request's, the refresh ahead): while it did,
     * a fetch refused by the rate limit is the identity provider's outage going on (past the outage tolerance, the kept
     * keys are gone), not an unknown key.
     */
    private volatile boolean lastFetchFailed;
    /** Each fetch of the JWKS counted and, when it failed, said (ADR 0034, amended in session 50). */
    private final JwksFetches fetches = new JwksFetches(System::nanoTime);

    private JwtBearerTokens(JwtSettings settings, Set<TeamId> knownTeams) {
        this.settings = settings;
        this.knownTeams = Set.copyOf(knownTeams);
        this.processor = settings == null ? null : processor(settings, failed -> lastFetchFailed = failed, fetches);
    }

    /** No identity provider: every JWT is refused (the default until one is configured). */
    public static JwtBearerTokens disabled() {
        return new JwtBearerTokens(null, Set.of());
    }

    public static JwtBearerTokens of(JwtSettings settings, Set<TeamId> knownTeams) {
        return new JwtBearerTokens(java.util.Objects.requireNonNull(settings, "settings"), knownTeams);
    }

    public boolean enabled() {
        return settings != null;
    }

    /** The fetches of the identity provider's keys so far, by outcome: none when no identity provider is configured. */
    public JwksFetches jwksFetches() {
        return fetches;
    }

    /**
     * Whether a person signed in as a member of {@code team} would be let in as that team now: people sign in
     * here and the team is still configured. What the identity provider would say of the person today is not
     * known here (no revocation check), only whether this service still admits such a person (ADR 0041).
     */
    public boolean admitsMemberOf(TeamId team) {
        return enabled() && knownTeams.contains(team);
    }

    private static DefaultJWTProcessor<SecurityContext> processor(JwtSettings settings,
                                                                  java.util.function.Consumer<Boolean> fetchFailed,
                                                                  JwksFetches fetches) {
        JWKSource<SecurityContext> keys;
        long ttl = settings.jwksCacheTtl().toMillis();
        // nimbus requires refresh-ahead + refresh wait <= time to live, and the rate limit's interval below it.
        long refreshAhead = Math.min(JWKSourceBuilder.DEFAULT_REFRESH_AHEAD_TIME, ttl / 4);
        long refreshWait = Math.min(2L * JWKS_TIMEOUT_MS + 1_000, ttl / 4);
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(new NotedFetches(new URLBasedJWKSetSource<>(
                            settings.jwksUrl().toURL(),
                            new DefaultResourceRetriever(JWKS_TIMEOUT_MS, JWKS_TIMEOUT_MS, JWKS_SIZE_LIMIT)), fetchFailed, fetches))
                    .retrying(false)
                    .cache(ttl, refreshWait)
                    .refreshAheadCache(refreshAhead, null, REFRESH_AHEAD, false, null, false)
                    .rateLimited(Math.min(JWKSourceBuilder.DEFAULT_RATE_LIMIT_MIN_INTERVAL, ttl / 2))
                    .outageTolerant(settings.jwksOutageTolerance().toMillis())
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("the JWKS URL is not a URL: " + settings.jwksUrl());
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        // An identity provider's access tokens are typed at+jwt (RFC 9068); nimbus's default takes JWT and none only.
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, AT_JWT, null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(new java.util.HashSet<>(settings.algorithms()), keys));
        // Mutable sets: nimbus asks them contains(null), which Set.of answers with an exception.
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                new java.util.HashSet<>(Set.of(settings.audience())),
                new JWTClaimsSet.Builder().issuer(settings.issuer()).build(),
                new java.util.HashSet<>(Set.of("sub", "exp", "iss", "aud", settings.roleClaim())),
                new java.util.HashSet<>());
        claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        return processor;
    }

    /**
     * The JWKS fetched over HTTP, each fetch's outcome told (it sits below the rate limit and the outage tolerance), and
     * counted and logged ({@link JwksFetches}).
     */
    private record NotedFetches(JWKSetSource<SecurityContext> source, java.util.function.Consumer<Boolean> failed,
                                JwksFetches fetches)
            implements JWKSetSource<SecurityContext> {

        @Override
        public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refresh, long now, SecurityContext context)
                throws KeySourceException {
            try {
                JWKSet keys = source.getJWKSet(refresh, now, context);
                failed.accept(false);
                fetches.succeeded();
                return keys;
            } catch (KeySourceException | RuntimeException e) {
                failed.accept(true);
                fetches.failed(e);
                throw e;
            }
        }

        @Override
        public void close() throws java.io.IOException {
            source.close();
        }
    }

    /** Whether a presented bearer token has a JWT's shape (three dot-separated parts). */
    static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2 && token.length() <= 16 * 1024;
    }

    public Verdict authenticate(String token, Optional<String> chosenTeam) {
        if (!enabled()) {
            return new Verdict.Refused("no identity provider is configured");
        }
        JWTClaimsSet claims;
        String keyId;
        try {
            var jwt = JWTParser.parse(token);
            if (!(jwt instanceof SignedJWT signed)) {
                return new Verdict.Refused("the token is not signed");
            }
            keyId = signed.getHeader().getKeyID();
            claims = processor.process(signed, null);
            keysEverFetched = true;
        } catch (ParseException e) {
            return new Verdict.Refused("the token does not read as a JWT");
        } catch (BadJOSEException e) {
            return new Verdict.Refused(refusal(e));
        } catch (RateLimitReachedException e) {
            if (!keysEverFetched || lastFetchFailed) {
                // No keys yet, or the last fetch failed moments ago (an outage at the start, or one outlasting the
                // outage tolerance, whose kept keys are gone): not the caller's fault.
                return new Verdict.Unavailable("the identity provider's keys could not be fetched; try again later");
            }
            // An unknown key id asked the JWKS again too soon: no key of the identity provider signed it.
            return new Verdict.Refused(NOT_SIGNED_BY_A_CURRENT_KEY);
        } catch (KeySourceException e) {
            return new Verdict.Unavailable("the identity provider's keys could not be fetched; try again later");
        } catch (JOSEException e) {
            return new Verdict.Refused("the token's signature could not be checked");
        } catch (RuntimeException e) {
            return new Verdict.Refused("the token could not be checked");
        }
        Optional<String> timeRefusal = issueTimeRefusal(claims);
        if (timeRefusal.isPresent()) {
            return new Verdict.Refused(timeRefusal.get());
        }
        Actor actor;
        try {
            actor = Actor.of(claims.getSubject(), Actor.Authentication.JWT, keyId);
        } catch (IllegalArgumentException e) {
            return new Verdict.Refused("the token's subject is not printable text of at most " + Actor.MAX_LENGTH + " characters");
        }
        Object roleValue = claims.getClaim(settings.roleClaim());
        // A provider's own roles or groups claim is a list, even of one (Entra ID's roles, Okta's groups).
        List<?> roles;
        if (roleValue == null || roleValue instanceof String) {
            roles = roleValue == null ? List.of() : List.of(roleValue);
        } else if (roleValue instanceof List<?> many) {
            roles = many;
        } else {
            return new Verdict.Refused("the claim " + settings.roleClaim() + " is neither text nor a list of text");
        }
        boolean auditor = roles.contains(settings.auditorRole());
        boolean member = roles.contains(settings.memberRole());
        if (auditor && member) {
            // Neither role is the lesser (a member changes its team's servers, an auditor reads every team
            // and places legal holds), so none is picked for the person: refused, as the auditor's
            // separation from the teams it audits asks (ADR 0034, amended in session 36).
            return new Verdict.NotEntitled("the claim " + settings.roleClaim() + " names both the member and the auditor role;"
                    + " a token may hold one of them");
        }
        Optional<Instant> expiresAt = Optional.ofNullable(claims.getExpirationTime()).map(java.util.Date::toInstant);
        if (auditor) {
            return new Verdict.Accepted(new Caller.Auditor(new AuditReader.Auditor(AuditorName.ofPerson(actor.subject())), actor),
                    expiresAt);
        }
        if (!member) {
            return new Verdict.NotEntitled("the claim " + settings.roleClaim() + " names no role of this service");
        }
        List<TeamId> teams = teams(claims);
        if (teams.isEmpty()) {
            return new Verdict.NotEntitled("the claim " + settings.teamsClaim() + " names no team of this service");
        }
        if (chosenTeam.isPresent()) {
            return teams.stream().filter(t -> t.value().equals(chosenTeam.get())).findFirst()
                    .<Verdict>map(team -> new Verdict.Accepted(new Caller.Team(team, actor), expiresAt))
                    .orElseGet(() -> new Verdict.NotEntitled("the token does not name the team " + TEAM_HEADER + " chose"));
        }
        if (teams.size() > 1) {
            return new Verdict.TeamNotChosen("the token names several teams; choose one with " + TEAM_HEADER);
        }
        return new Verdict.Accepted(new Caller.Team(teams.getFirst(), actor), expiresAt);
    }

    /**
     * nimbus checks exp and nbf, not iat: a token issued in the future (beyond the clock skew) is refused, and with
     * {@code max-token-lifetime} set, one without iat or living longer than it (ADR 0034, amended in session 49).
     */
    private Optional<String> issueTimeRefusal(JWTClaimsSet claims) {
        Optional<Instant> issuedAt = Optional.ofNullable(claims.getIssueTime()).map(java.util.Date::toInstant);
        if (issuedAt.filter(iat -> iat.isAfter(Instant.now().plus(settings.clockSkew()))).isPresent()) {
            return Optional.of(ISSUED_IN_THE_FUTURE);
        }
        if (settings.maxTokenLifetime().isEmpty()) {
            return Optional.empty();
        }
        if (issuedAt.isEmpty()) {
            return Optional.of(NO_ISSUE_TIME);
        }
        Instant expiresAt = claims.getExpirationTime().toInstant(); // required by the claims verifier
        return java.time.Duration.between(issuedAt.get(), expiresAt).compareTo(settings.maxTokenLifetime().get()) > 0
                ? Optional.of(LIFETIME_TOO_LONG) : Optional.empty();
    }

    private List<TeamId> teams(JWTClaimsSet claims) {
        Object value = claims.getClaim(settings.teamsClaim());
        List<Object> names = new ArrayList<>();
        if (value instanceof String one) {
            names.add(one);
        } else if (value instanceof List<?> many) {
            names.addAll(many);
        }
        Set<TeamId> found = new LinkedHashSet<>();
        for (Object name : names) {
            if (name instanceof String text) {
                knownTeams.stream().filter(t -> t.value().equals(text)).findFirst().ifPresent(found::add);
            }
        }
        return List.copyOf(found);
    }

    /**
     * Our own short words for nimbus's refusal: its messages echo the token's claims (an issuer, an
     * audience), which a 401 must not repeat.
     */
    static String refusal(BadJOSEException e) {
        String message = String.valueOf(e.getMessage());
        if (message.equals("Expired JWT")) {
            return "the token has expired";
        }
        if (message.equals("JWT before use time")) {
            return "the token is not valid yet";
        }
        if (message.startsWith("JWT iss claim")) {
            return "the token's issuer is not accepted";
        }
        // "JWT aud claim rejected" (nimbus 10.10) or "JWT audience rejected: ..." (10.5, which bootstrap resolves)
        if (message.startsWith("JWT aud") || message.startsWith("JWT missing required aud")) {
            return "the token's audience is not this service";
        }
        if (message.startsWith("JWT missing required claims")) {
            return "the token lacks a required claim (sub, exp, iss, aud and the role)";
        }
        if (message.contains("no matching key") || message.contains("Another algorithm expected")) {
            return NOT_SIGNED_BY_A_CURRENT_KEY;
        }
        if (message.startsWith("JOSE header typ")) {
            return TYPE_NOT_ACCEPTED;
        }
        if (message.contains("Invalid signature")) {
            return "the token's signature is not valid";
        }
        return "the token was refused";
    }
}
