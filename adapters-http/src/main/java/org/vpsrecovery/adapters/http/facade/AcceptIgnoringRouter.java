package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpRequestWrapper;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.web.router.DefaultRouter;
import io.micronaut.web.router.RouteBuilder;
import io.micronaut.web.router.RouteMatch;
import io.micronaut.web.router.UriRouteMatch;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Micronaut's router, choosing a request's route by its method, path and Content-Type but not by its Accept header.
 * Micronaut 4.10 drops a route from the choice unless an Accept range is one of the route's types by name or is
 * {@code *}{@code /*}: {@code application/*} was 406 on a JSON route, and a q of 0 was not read
 * ({@code application/json;q=0} was answered JSON). Whether the chosen route may answer is decided by
 * {@link AcceptFilter} after authentication, as RFC 9110 says ({@link AcceptedTypes}). No two of our routes share a
 * method and path and differ only in what they produce, so the Accept header chose between none. Error and status
 * routes are chosen the same way: by Accept, {@code text/*} missed the console's error page, and a console failure was
 * answered by the API's handlers (a 500 logging the form's text; session 43).
 */
@Singleton
@Replaces(DefaultRouter.class)
public class AcceptIgnoringRouter extends DefaultRouter {

    public AcceptIgnoringRouter(Collection<RouteBuilder> builders) {
        super(builders);
    }

    @Override
    public <T, R> UriRouteMatch<T, R> findClosest(HttpRequest<?> request) {
        return super.findClosest(withoutAccept(request));
    }

    @Override
    public <R> Optional<RouteMatch<R>> findErrorRoute(Class<?> originatingClass, Throwable error, HttpRequest<?> request) {
        return super.findErrorRoute(originatingClass, error, withoutAccept(request));
    }

    @Override
    public <R> Optional<RouteMatch<R>> findErrorRoute(Throwable error, HttpRequest<?> request) {
        return super.findErrorRoute(error, withoutAccept(request));
    }

    @Override
    public <R> Optional<RouteMatch<R>> findStatusRoute(Class<?> originatingClass, int status, HttpRequest<?> request) {
        return super.findStatusRoute(originatingClass, status, withoutAccept(request));
    }

    @Override
    public <R> Optional<RouteMatch<R>> findStatusRoute(int status, HttpRequest<?> request) {
        return super.findStatusRoute(status, withoutAccept(request));
    }

    @Override
    public <R> Optional<RouteMatch<R>> findStatusRoute(Class<?> originatingClass, HttpStatus status, HttpRequest<?> request) {
        return super.findStatusRoute(originatingClass, status, withoutAccept(request));
    }

    @Override
    public <R> Optional<RouteMatch<R>> findStatusRoute(HttpStatus status, HttpRequest<?> request) {
        return super.findStatusRoute(status, withoutAccept(request));
    }

    private static <B> HttpRequest<B> withoutAccept(HttpRequest<B> request) {
        return request == null || !request.getHeaders().contains(HttpHeaders.ACCEPT) ? request : new WithoutAccept<>(request);
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
