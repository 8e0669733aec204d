package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import java.util.Optional;

/** What the filters learn about a request (its id, the authenticated team) and hand to controllers. */
public final class RequestAttributes {

    public static final String REQUEST_ID = "vpsr.request-id";
    static final String TEAM = "vpsr.team";
    static final String CALLER = "vpsr.caller";
    static final String OPERATION_ID = "vpsr.operation-id";
    /** The platform's id of the operation a changing request started (a platform extension). */
    public static final String OPERATION_ID_HEADER = "X-Operation-Id";
    public static final String REQUEST_ID_HEADER = "X-Request-Id";

    private RequestAttributes() {
    }

    public static String requestId(HttpRequest<?> request) {
        return attribute(request, REQUEST_ID, RequestId.class).map(RequestId::value).orElse(null);
    }

    /** The request's id, or a new one for a request that has none (one the filters never saw). */
    static RequestId requestIdOrNew(HttpRequest<?> request) {
        return attribute(request, REQUEST_ID, RequestId.class).orElseGet(RequestId::random);
    }

    /** Only behind {@link CallerAuthenticationFilter} (or a console session): who is calling. */
    static Caller caller(HttpRequest<?> request) {
        return attribute(request, CALLER, Caller.class)
                .orElseThrow(() -> new IllegalStateException("no authenticated caller on " + request.getPath()));
    }

    /** Only for routes behind {@link CallerAuthenticationFilter}: the team or auditor reading the audit reports. */
    public static AuditReader auditReader(HttpRequest<?> request) {
        return caller(request).asAuditReader();
    }

    /** Only for the recovery routes behind {@link CallerAuthenticationFilter}, which lets only teams reach them. */
    public static CallContext callContext(HttpRequest<?> request) {
        return new CallContext(team(request), requestIdOrNew(request), operationId(request), actor(request));
    }

    /** Only for the recovery routes behind {@link CallerAuthenticationFilter}: the team, for reads that name no more. */
    public static TeamId team(HttpRequest<?> request) {
        return attribute(request, TEAM, TeamId.class)
                .orElseThrow(() -> new IllegalStateException("no authenticated team on " + request.getPath()));
    }

    /** Only behind {@link CallerAuthenticationFilter}: the person or token acting (ADR 0034). */
    public static Actor actor(HttpRequest<?> request) {
        return caller(request).actor();
    }

    /**
     * For inbound adapters that authenticate otherwise than by a bearer token (the web console's
     * session, ADR 0041): the caller the use cases and the audit-read records see, as on the API.
     */
    public static void authenticated(HttpRequest<?> request, Caller caller) {
        request.setAttribute(CALLER, caller);
        if (caller instanceof Caller.Team team) {
            request.setAttribute(TEAM, team.team());
        }
    }

    /**
     * An attribute as it was set. Micronaut's typed lookup sends every value through its conversion service, ~4 % of a
     * team's list (ADR 0127); the filters set these values with their own types, so a type check is all it takes.
     */
    static <T> Optional<T> attribute(HttpRequest<?> request, String name, Class<T> type) {
        return request.getAttribute(name).filter(type::isInstance).map(type::cast);
    }

    /** Chosen once per request, before the use case runs, so the answer can name it. */
    static OperationId operationId(HttpRequest<?> request) {
        Optional<OperationId> chosen = attribute(request, OPERATION_ID, OperationId.class);
        if (chosen.isPresent()) {
            return chosen.get();
        }
        OperationId fresh = OperationId.random();
        request.setAttribute(OPERATION_ID, fresh);
        return fresh;
    }
}
