package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ConditionalFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.session.SessionHolder;
import org.vpsrecovery.domain.session.SignInSession;
import org.vpsrecovery.domain.common.ReasonCode;

/**
 * Every {@code /api/} call carries {@code Authorization: Bearer <token>}: a team's service token, an
 * auditor's token, or a person's JWT from the identity provider ({@link JwtBearerTokens}, ADR 0034);
 * otherwise 401. The {@link Caller} set on the request carries the team and the actor. The function-level rule for roles lives here, in one place: auditors reach only
 * the audit reports ({@value #AUDIT_PATH}), operation reads and holds (legal holds), anything else
 * answers them 403 {@code FORBIDDEN_FOR_ROLE}.
 * Which teams' data a reader sees is the use cases' rule ({@code AuditReader}).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class CallerAuthenticationFilter implements Ordered, ConditionalFilter {

    static final String AUDIT_PATH = "/api/v1/audit/";
    static final String OPERATIONS_PATH = "/api/v1/operations/";
    private static final String BEARER = "Bearer ";
    private final TeamAuthenticator teams;
    private final AuditorAuthenticator auditors;
    private final JwtBearerTokens people;
    /**
     * Each configured digest's fingerprint, computed once (a SHA-256 per request on the list before, ADR 0100);
     * keyed by configured digests only, never by a presented token, so it holds no more entries than the teams'
     * and auditors' configuration, which is read when the context starts.
     */
    private final Map<String, String> fingerprints = new ConcurrentHashMap<>();

    public CallerAuthenticationFilter(TeamAuthenticator teams, AuditorAuthenticator auditors, JwtBearerTokens people) {
        this.teams = teams;
        this.auditors = auditors;
        this.people = people;
    }

    /**
     * The caller a bearer token names (a service or auditor token, a person's JWT), or why none;
     * {@code validUntil}: when the token stops being accepted (a JWT's exp, a service token's not-after);
     * {@code credential}: for a static token, the fingerprint of its configured digest ({@link #stillHonours}).
     */
    public record Identified(Optional<Caller> caller, String refusal, Optional<String> keysUnavailable,
                             Optional<Instant> validUntil, Optional<String> credential, Refusal refusedAs) {
    }

    /**
     * How a token without a caller was refused: none given or one that does not hold up (401), one that holds up and
     * gives no caller of this service (403), a team chosen that a static token does not act for (400), or a person's
     * valid token naming several teams with none chosen (400).
     */
    public enum Refusal {
        NONE, NO_VALID_TOKEN, NOT_ENTITLED, ANOTHER_TEAM, TEAM_NOT_CHOSEN
    }

    private record Found(Caller caller, Optional<Instant> validUntil, Optional<String> credential) {
    }

    private Identified identify(HttpRequest<?> request) {
        return identify(bearerToken(request), Optional.ofNullable(request.getHeaders().get(JwtBearerTokens.TEAM_HEADER)));
    }

    /**
     * The API's own check of a token (null: none given), for every inbound adapter that takes one: the
     * web console's sign-in form (ADR 0041) checks exactly what a bearer token on {@code /api/} is checked
     * against. {@code team} picks one of a person's teams, as {@value JwtBearerTokens#TEAM_HEADER} does.
     * May fetch the identity provider's keys: call it off the event loop.
     */
    public Identified identify(String token, Optional<String> team) {
        Optional<Found> found = token == null ? Optional.empty() : identify(token);
        String refusal = "a valid team or auditor token is required: Authorization: Bearer <token>";
        Refusal refusedAs = Refusal.NO_VALID_TOKEN;
        if (found.isEmpty() && token != null && people.enabled() && JwtBearerTokens.looksLikeJwt(token)) {
            switch (people.authenticate(token, team)) {
                case JwtBearerTokens.Verdict.Accepted accepted ->
                        found = Optional.of(new Found(accepted.caller(), accepted.expiresAt(), Optional.empty()));
                case JwtBearerTokens.Verdict.Refused refused -> refusal = refused.why();
                case JwtBearerTokens.Verdict.NotEntitled notEntitled -> {
                    refusal = notEntitled.why();
                    refusedAs = Refusal.NOT_ENTITLED;
                }
                case JwtBearerTokens.Verdict.TeamNotChosen notChosen -> {
                    refusal = notChosen.why();
                    refusedAs = Refusal.TEAM_NOT_CHOSEN;
                }
                case JwtBearerTokens.Verdict.Unavailable unavailable -> {
                    return new Identified(Optional.empty(), refusal, Optional.of(unavailable.why()), Optional.empty(),
                            Optional.empty(), Refusal.NO_VALID_TOKEN);
                }
            }
        }
        // A service token acts for its own team only: another team named is refused, not silently served as its own.
        // An auditor's is ignored (vpsr sends the user's team setting; an auditor reads every team).
        if (found.isPresent() && found.get().caller() instanceof Caller.Team own
                && own.actor().authentication() == Actor.Authentication.SERVICE_TOKEN
                && team.filter(chosen -> !chosen.equals(own.team().value())).isPresent()) {
            return new Identified(Optional.empty(), JwtBearerTokens.TEAM_HEADER + " names another team than "
                    + own.team().value() + ", the only one this service token acts for; send that team or none",
                    Optional.empty(), Optional.empty(), Optional.empty(), Refusal.ANOTHER_TEAM);
        }
        return new Identified(found.map(Found::caller), refusal, Optional.empty(), found.flatMap(Found::validUntil),
                found.flatMap(Found::credential), found.isPresent() ? Refusal.NONE : refusedAs);
    }

    /**
     * Whether the static token a console session was opened with is still configured, valid now, and the
     * same token (the fingerprint of its digest, when the session has one): removing or replacing a token
     * ends its sessions at their next page (ADR 0041). A person's session is bounded by its JWT's expiry, and ends
     * once people's JWTs are no longer taken (no identity provider configured) or its team is no longer configured.
     */
    public boolean stillHonours(SignInSession session) {
        Actor actor = session.actor();
        return switch (actor.authentication()) {
            case SERVICE_TOKEN -> session.holder() instanceof SessionHolder.Team team && actor.keyId()
                    .flatMap(id -> teams.configured(team.team(), id))
                    .filter(token -> session.credential().map(fingerprint(token.sha256Hex())::equals).orElse(true))
                    .isPresent();
            case AUDITOR_TOKEN -> session.holder() instanceof SessionHolder.Auditor auditor && auditors
                    .configuredDigest(auditor.name())
                    .filter(digest -> session.credential().map(fingerprint(digest)::equals).orElse(true))
                    .isPresent();
            // Whether the person still is a member or auditor only the identity provider knows; whether this service
            // still takes people's JWTs, and the session's team, is known here (ADR 0041, amended in session 39).
            case JWT -> people.enabled() && switch (session.holder()) {
                case SessionHolder.Team team -> people.admitsMemberOf(team.team());
                case SessionHolder.Auditor auditor -> true;
            };
            case SYSTEM -> false;
        };
    }

    private String fingerprintOf(String configuredSha256Hex) {
        return fingerprints.computeIfAbsent(configuredSha256Hex, CallerAuthenticationFilter::fingerprint);
    }

    /** What a session keeps of a static token: the SHA-256 of its configured digest, never the token. */
    static String fingerprint(String configuredSha256Hex) {
        return TokenDigests.sha256Hex(configuredSha256Hex.toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * The auditor a request outside {@code /api/} comes from, by the same authentication as the API's
     * (an auditor token, or a person's JWT with the auditor role): for {@code /health}'s details.
     */
    public Optional<String> auditorOf(HttpRequest<?> request) {
        return identify(request).caller().filter(Caller.Auditor.class::isInstance)
                .map(auditor -> ((Caller.Auditor) auditor).auditor().name().value());
    }

    /**
     * On the event loop: a service or auditor token is checked in memory, so the request takes no
     * hop to another thread for it (ADR 0042). A token that may be a person's JWT is left to
     * {@link PersonAuthenticationFilter}, on the blocking executor, since checking one may fetch the
     * identity provider's keys over HTTP.
     */
    @RequestFilter
    @Nullable
    public MutableHttpResponse<?> authenticate(HttpRequest<?> request) {
        // isEnabled is not consulted on a request with an Origin header (ADR 0124): decide here too.
        return isEnabled(request) ? decide(request) : null;
    }

    /** {@code /api/} only (FilterPaths), and not a token {@link PersonAuthenticationFilter} checks. */
    @Override
    public boolean isEnabled(HttpRequest<?> request) {
        return FilterPaths.underApi(request.getPath()) && !mayCallIdentityProvider(request);
    }

    /** A bearer token shaped like a JWT while people may sign in: its check may fetch keys over HTTP. */
    boolean mayCallIdentityProvider(HttpRequest<?> request) {
        if (!people.enabled()) {
            return false;
        }
        String token = bearerToken(request);
        return token != null && JwtBearerTokens.looksLikeJwt(token);
    }

    private static String bearerToken(HttpRequest<?> request) {
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? header.substring(BEARER.length()).strip() : null;
    }

    /** Sets the request's caller, or answers why not (401, 403, or 503 when the identity provider is out of reach). */
    @Nullable
    MutableHttpResponse<?> decide(HttpRequest<?> request) {
        Identified identified = identify(request);
        if (identified.keysUnavailable().isPresent()) {
            return FacadeProblems.respond(HttpStatus.SERVICE_UNAVAILABLE, identified.keysUnavailable().get(),
                            RequestReason.IDENTITY_PROVIDER_UNAVAILABLE.name(), RequestAttributes.requestId(request), null)
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(FacadeProblems.UNAVAILABLE_RETRY_AFTER.toSeconds()));
        }
        Optional<Caller> caller = identified.caller();
        String refusal = identified.refusal();
        if (caller.isEmpty()) {
            return switch (identified.refusedAs()) {
                case ANOTHER_TEAM -> FacadeProblems.respond(HttpStatus.BAD_REQUEST, refusal,
                        RequestReason.TEAM_NOT_THE_TOKENS.name(), RequestAttributes.requestId(request), null);
                // The token holds up; the caller's choice of team is missing (ADR 0034, amended in session 50).
                case TEAM_NOT_CHOSEN -> FacadeProblems.respond(HttpStatus.BAD_REQUEST, refusal,
                        RequestReason.TEAM_NOT_CHOSEN.name(), RequestAttributes.requestId(request), null);
                case NOT_ENTITLED -> FacadeProblems.respond(HttpStatus.FORBIDDEN, refusal,
                        RequestReason.NOT_ENTITLED.name(), RequestAttributes.requestId(request), null);
                // RFC 6750: a token given and refused is invalid_token; none given, no error code.
                case NONE, NO_VALID_TOKEN -> FacadeProblems.respond(HttpStatus.UNAUTHORIZED, refusal,
                                RequestReason.UNAUTHORIZED.name(), RequestAttributes.requestId(request), null)
                        .header(HttpHeaders.WWW_AUTHENTICATE, bearerToken(request) == null ? "Bearer realm=\"vps-recovery\""
                                : "Bearer realm=\"vps-recovery\", error=\"invalid_token\"");
            };
        }
        if (caller.get() instanceof Caller.Auditor && !isAuditReport(request.getPath())
                && !isOperationRead(request) && !isHoldsPath(request.getPath())) {
            return FacadeProblems.respond(HttpStatus.FORBIDDEN, "an auditor token reads the audit reports under "
                            + AUDIT_PATH + " only", ReasonCode.FORBIDDEN_FOR_ROLE.name(),
                    RequestAttributes.requestId(request), null);
        }
        request.setAttribute(RequestAttributes.CALLER, caller.get());
        if (caller.get() instanceof Caller.Team team) {
            request.setAttribute(RequestAttributes.TEAM, team.team());
        }
        return null;
    }

    /** Both lookups always run, so the answer's timing does not tell a team token from an auditor's. */
    private Optional<Found> identify(String token) {
        Optional<Found> team = teams.authenticate(token).map(service -> new Found(new Caller.Team(service.team(),
                Actor.of(service.subject(), Actor.Authentication.SERVICE_TOKEN, service.id())), service.notAfter(),
                Optional.of(fingerprintOf(service.sha256Hex()))));
        Optional<Found> auditor = auditors.authenticate(token).map(found -> new Found(new Caller.Auditor(found,
                Actor.of(found.name().value(), Actor.Authentication.AUDITOR_TOKEN, null)), Optional.empty(),
                auditors.configuredDigest(found.name().value()).map(this::fingerprintOf)));
        return team.or(() -> auditor);
    }

    /** Auditors also read every team's operations (never act on them). */
    static boolean isOperationRead(HttpRequest<?> request) {
        return request.getMethodName().equals("GET") && isUnder(OPERATIONS_PATH, request.getPath());
    }

    /** Auditors place, list and release legal holds on any governed snapshot or backup (ADR 0029). */
    static boolean isHoldsPath(String path) {
        return HOLDS_ROUTE.matcher(withoutTrailingSlash(path)).matches();
    }

    /** A hold route with its trailing slash dropped: a point's holds, or one of them. */
    private static final java.util.regex.Pattern HOLDS_ROUTE =
            java.util.regex.Pattern.compile("/api/v1/(snapshots|backups)/[^/]+/holds(/[^/]+)?");

    static boolean isAuditReport(String path) {
        return isUnder(AUDIT_PATH, path);
    }

    /**
     * {@code path} is {@code prefix} (which ends in a slash) with or without that slash, or below it. The router answers
     * every route with and without its trailing slash (ADR 0006), and the OpenAPI document publishes them without:
     * the role check must take both forms, or an auditor is refused its own routes (ADR 0006, amended in session 39).
     * Any other spelling ({@code //}, percent-encoded letters, dot segments) reaches no route.
     */
    private static boolean isUnder(String prefix, String path) {
        return path.startsWith(prefix) || path.equals(withoutTrailingSlash(prefix));
    }

    private static String withoutTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }
}
