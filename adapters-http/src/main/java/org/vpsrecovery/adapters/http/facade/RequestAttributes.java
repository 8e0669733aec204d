package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;

/** What the filters learn about a request (its id, the authenticated team) and hand to controllers. */
public final class RequestAttributes {

    static final String REQUEST_ID = "vpsr.request-id";
    static final String TEAM = "vpsr.team";
    public static final String REQUEST_ID_HEADER = "X-Request-Id";

    private RequestAttributes() {
    }

    public static String requestId(HttpRequest<?> request) {
        return request.getAttribute(REQUEST_ID, RequestId.class).map(RequestId::value).orElse(null);
    }

    /** Only for routes behind {@link TeamAuthenticationFilter}, which guarantees a team. */
    public static CallContext callContext(HttpRequest<?> request) {
        TeamId team = request.getAttribute(TEAM, TeamId.class)
                .orElseThrow(() -> new IllegalStateException("no authenticated team on " + request.getPath()));
        RequestId id = request.getAttribute(REQUEST_ID, RequestId.class).orElseGet(RequestId::random);
        return new CallContext(team, id);
    }
}
