package org.vpsrecovery.bootstrap;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.util.PathMatcher;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ConditionalFilter;
import io.micronaut.http.filter.FilterPatternStyle;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.endpoint.health.filter.HealthResultFilter;
import java.util.List;

/**
 * Micronaut's filter that answers {@code /health} (and its liveness and readiness) with the status code of the health
 * (503 when DOWN), declared on {@code /**} with its three paths decided in {@link #isEnabled}: the library's declares
 * them as patterns, and one filter on a pattern makes the router match every request's path against all such filters
 * and sort a new list (ADR 0124). The same three paths, matched by the same Ant matcher, answer the same codes.
 */
@Replaces(HealthResultFilter.class)
@Requires(beans = HealthEndpoint.class)
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class HealthStatusCodes implements ConditionalFilter {

    private static final PathMatcher ANT = FilterPatternStyle.ANT.getPathMatcher();
    private final HealthResultFilter library;
    private final List<String> patterns;

    public HealthStatusCodes(HealthEndpoint healthEndpoint,
                             @Value("${endpoints.all.path:/}${endpoints.health.id:health}") String health) {
        this.library = new HealthResultFilter(healthEndpoint) { }; // its constructor is protected
        this.patterns = List.of(health, health + "/liveness", health + "/readiness");
    }

    @Override
    public boolean isEnabled(HttpRequest<?> request) {
        String path = request.getPath();
        if (path.startsWith("/api/")) {
            return false;
        }
        for (String pattern : patterns) {
            if (ANT.matches(pattern, path)) {
                return true;
            }
        }
        return false;
    }

    /** The library's answer; decided here too, as Micronaut does not consult isEnabled on a request with an Origin. */
    @ResponseFilter
    public void statusCode(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (isEnabled(request)) {
            library.doFilter(response);
        }
    }
}
