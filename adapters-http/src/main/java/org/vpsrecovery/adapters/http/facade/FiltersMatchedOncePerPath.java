package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.filter.GenericHttpFilter;
import io.micronaut.web.router.DefaultRouter;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteBuilder;
import io.micronaut.web.router.RouteInfo;
import io.micronaut.web.router.RouteMatch;
import io.micronaut.web.router.UriRouteMatch;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micronaut's router, remembering which filters a route's fixed path passes. The library matches every filter's
 * path pattern against the request's path and sorts the result on every request (ADR 0092's profile: 9 % of the
 * list's samples, ADR 0100); for a route without path variables (the team's list) the answer depends only on the
 * route, the method and the path, all fixed, and the filters are fixed after startup, so it is computed once.
 * A route with variables (one snapshot by id) or no route (404) is matched per request as before: its paths are
 * the callers' to choose. The map is bounded all the same: past {@value #MAX_REMEMBERED} entries nothing more is
 * remembered and the rest is matched per request.
 */
@Singleton
@Replaces(DefaultRouter.class)
public class FiltersMatchedOncePerPath extends DefaultRouter {

    static final int MAX_REMEMBERED = 256;

    private record Key(RouteInfo<?> route, HttpMethod method, String methodName, String path) {
    }

    private final ConcurrentHashMap<Key, List<GenericHttpFilter>> remembered = new ConcurrentHashMap<>();

    @Inject
    public FiltersMatchedOncePerPath(Collection<RouteBuilder> builders) {
        super(builders);
    }

    @Override
    public List<GenericHttpFilter> findFilters(HttpRequest<?> request) {
        RouteMatch<?> match = RouteAttributes.getRouteMatch(request).orElse(null);
        if (!(match instanceof UriRouteMatch<?, ?> uri) || !uri.getVariableValues().isEmpty()) {
            return super.findFilters(request);
        }
        Key key = new Key(uri.getRouteInfo(), request.getMethod(), request.getMethodName(), request.getPath());
        List<GenericHttpFilter> filters = remembered.get(key);
        if (filters == null) {
            filters = super.findFilters(request);
            if (remembered.size() < MAX_REMEMBERED) {
                remembered.putIfAbsent(key, filters);
            }
        }
        return filters;
    }

    /** The library's own match, never remembered: what {@link #findFilters} must agree with. */
    List<GenericHttpFilter> matchedAnew(HttpRequest<?> request) {
        return super.findFilters(request);
    }
}
