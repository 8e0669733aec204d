package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ConditionalFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * {@link CallerAuthenticationFilter}'s check of a bearer token that may be a person's JWT, on the
 * blocking executor: it may fetch the identity provider's keys over HTTP. Only such requests come
 * here (ADR 0042); the rules are the other filter's, in one place.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class PersonAuthenticationFilter implements Ordered, ConditionalFilter {

    private final CallerAuthenticationFilter callers;

    public PersonAuthenticationFilter(CallerAuthenticationFilter callers) {
        this.callers = callers;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    public MutableHttpResponse<?> authenticate(HttpRequest<?> request) {
        // isEnabled is not consulted on a request with an Origin header (ADR 0124): decide here too.
        return isEnabled(request) ? callers.decide(request) : null;
    }

    @Override
    public boolean isEnabled(HttpRequest<?> request) {
        return FilterPaths.underApi(request.getPath()) && callers.mayCallIdentityProvider(request);
    }

    @Override
    public int getOrder() {
        return callers.getOrder();
    }
}
