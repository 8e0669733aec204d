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
import org.vpsrecovery.domain.common.TeamId;

/** Every {@code /api/} call carries {@code Authorization: Bearer <team token>}; otherwise 401. */
@ServerFilter("/api/**")
public class TeamAuthenticationFilter implements Ordered {

    private static final String BEARER = "Bearer ";
    private final TeamAuthenticator authenticator;

    public TeamAuthenticationFilter(TeamAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @RequestFilter
    @Nullable
    public MutableHttpResponse<?> authenticate(HttpRequest<?> request) {
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        Optional<TeamId> team = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authenticator.authenticate(header.substring(BEARER.length()).strip())
                : Optional.empty();
        if (team.isEmpty()) {
            return FacadeProblems.respond(HttpStatus.UNAUTHORIZED, "a valid team token is required: Authorization: Bearer <token>",
                    RequestReason.UNAUTHORIZED.name(), RequestAttributes.requestId(request), null)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"vps-recovery\"");
        }
        request.setAttribute(RequestAttributes.TEAM, team.get());
        return null;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }
}
