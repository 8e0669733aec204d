package org.vpsrecovery.bootstrap;

import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpAttributes;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.filter.ConditionalFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import jakarta.inject.Singleton;
import java.security.Principal;
import org.vpsrecovery.adapters.http.facade.CallerAuthenticationFilter;
import org.vpsrecovery.adapters.http.facade.FilterPaths;

/**
 * Who sees what of {@code /health}: anyone its status (UP or DOWN, for load balancers and probes,
 * no token needed); an auditor also the details (each check, the database's JDBC URL or why it failed,
 * VPS.org's last answer), whether the auditor signed in with a token or a JWT. Micronaut shows details
 * to a request that has a {@link Principal}
 * ({@code endpoints.health.details-visible=AUTHENTICATED}); this filter sets one for an auditor
 * only, and {@link PrincipalBinder} hands it to the endpoint. Team tokens see the status: the
 * platform's insides are the operators' business, not its tenants'.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class OperatorHealthDetails implements Ordered, ConditionalFilter {

    private final CallerAuthenticationFilter callers;

    public OperatorHealthDetails(CallerAuthenticationFilter callers) {
        this.callers = callers;
    }

    /**
     * The API's own authentication, so an auditor signed in with a JWT sees the details as a token's does.
     * On the blocking executor: a JWT's check may fetch the identity provider's keys over HTTP.
     */
    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    public void identifyAuditor(HttpRequest<?> request) {
        // isEnabled is not consulted on a request with an Origin header (ADR 0124): decide here too.
        if (!isEnabled(request)) {
            return;
        }
        callers.auditorOf(request).ifPresent(auditor ->
                request.setAttribute(HttpAttributes.PRINCIPAL, (Principal) () -> "auditor " + auditor));
    }

    /** {@code /health} only (FilterPaths); probes send no token: they skip this filter and its hop off the event loop entirely. */
    @Override
    public boolean isEnabled(HttpRequest<?> request) {
        return FilterPaths.underHealth(request.getPath()) && request.getHeaders().contains(HttpHeaders.AUTHORIZATION);
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }

    /** Binds an endpoint's {@code Principal} argument to the one the filter set (none: null, so status only). */
    @Singleton
    static final class PrincipalBinder implements TypedRequestArgumentBinder<Principal> {

        @Override
        public Argument<Principal> argumentType() {
            return Argument.of(Principal.class);
        }

        @Override
        public BindingResult<Principal> bind(ArgumentConversionContext<Principal> context, HttpRequest<?> source) {
            return source::getUserPrincipal;
        }
    }
}
