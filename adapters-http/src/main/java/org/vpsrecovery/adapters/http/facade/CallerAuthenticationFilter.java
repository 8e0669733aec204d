package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.util.Optional;
import org.vpsrecovery.domain.common.ReasonCode;

/**
 * Every {@code /api/} call carries {@code Authorization: Bearer <token>}, of a team or an auditor;
 * otherwise 401. The function-level rule for roles lives here, in one place: auditors reach only
 * the audit reports ({@value #AUDIT_PATH}), operation reads and holds (legal holds), anything else
 * answers them 403 {@code FORBIDDEN_FOR_ROLE}.
 * Which teams' data a reader sees is the use cases' rule ({@code AuditReader}).
 */
@ServerFilter("/api/**")
public class CallerAuthenticationFilter implements Ordered {

    static final String AUDIT_PATH = "/api/v1/audit/";
    static final String OPERATIONS_PATH = "/api/v1/operations/";
    private static final String BEARER = "Bearer ";
    private final TeamAuthenticator teams;
    private final AuditorAuthenticator auditors;

    public CallerAuthenticationFilter(TeamAuthenticator teams, AuditorAuthenticator auditors) {
        this.teams = teams;
        this.auditors = auditors;
    }

    @RequestFilter
    @Nullable
    public MutableHttpResponse<?> authenticate(HttpRequest<?> request) {
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        Optional<Caller> caller = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? identify(header.substring(BEARER.length()).strip())
                : Optional.empty();
        if (caller.isEmpty()) {
            return FacadeProblems.respond(HttpStatus.UNAUTHORIZED, "a valid team or auditor token is required: Authorization: Bearer <token>",
                    RequestReason.UNAUTHORIZED.name(), RequestAttributes.requestId(request), null)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"vps-recovery\"");
        }
        if (caller.get() instanceof Caller.Auditor && !isAuditReport(request.getPath())
                && !(isOperationRead(request)) && !isHoldsPath(request.getPath())) {
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
    private Optional<Caller> identify(String token) {
        Optional<Caller> team = teams.authenticate(token).map(Caller.Team::new);
        Optional<Caller> auditor = auditors.authenticate(token).map(Caller.Auditor::new);
        return team.or(() -> auditor);
    }

    /** Auditors also read every team's operations (never act on them). */
    static boolean isOperationRead(HttpRequest<?> request) {
        return request.getMethodName().equals("GET") && request.getPath().startsWith(OPERATIONS_PATH);
    }

    /** Auditors place, list and release legal holds on any governed snapshot or backup (ADR 0029). */
    static boolean isHoldsPath(String path) {
        return HOLDS_PATH.matcher(path).matches();
    }

    private static final java.util.regex.Pattern HOLDS_PATH =
            java.util.regex.Pattern.compile("/api/v1/(snapshots|backups)/[^/]+/holds/([^/]+/)?");

    static boolean isAuditReport(String path) {
        return path.startsWith(AUDIT_PATH) || path.equals(AUDIT_PATH.substring(0, AUDIT_PATH.length() - 1));
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }
}
