package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpRequestWrapper;
import io.micronaut.http.MediaType;
import io.micronaut.web.router.DefaultRouter;
import io.micronaut.web.router.RouteBuilder;
import io.micronaut.web.router.UriRouteMatch;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;

/**
 * Micronaut's router, choosing a request's route by its method, path and Content-Type but not by its Accept header.
 * Micronaut 4.10 drops a route from the choice unless an Accept range is one of the route's types by name or is
 * {@code *}{@code /*}: {@code application/*} was 406 on a JSON route, and a q of 0 was not read
 * ({@code application/json;q=0} was answered JSON). Whether the chosen route may answer is decided by
 * {@link AcceptFilter} after authentication, as RFC 9110 says ({@link AcceptedTypes}). No two of our routes share a
 * method and path and differ only in what they produce, so the Accept header chose between none.
 */
@Singleton
@Replaces(DefaultRouter.class)
public class AcceptIgnoringRouter extends DefaultRouter {

    public AcceptIgnoringRouter(Collection<RouteBuilder> builders) {
        super(builders);
    }

    @Override
    public <T, R> UriRouteMatch<T, R> findClosest(HttpRequest<?> request) {
        if (!request.getHeaders().contains(HttpHeaders.ACCEPT)) {
            return super.findClosest(request);
        }
        return super.findClosest(new WithoutAccept<>(request));
    }

    /** The request as the router reads it: accepting anything. */
    private static final class WithoutAccept<B> extends HttpRequestWrapper<B> {
        WithoutAccept(HttpRequest<B> request) {
            super(request);
        }

        @Override
        public Collection<MediaType> accept() {
            return List.of();
        }
    }
}
