package org.vpsrecovery.bootstrap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micronaut.configuration.metrics.binder.web.config.HttpMetricsConfig;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpAttributes;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.ErrorRouteInfo;
import io.micronaut.web.router.RouteMatch;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records {@code http.server.requests} as Micronaut Micrometer's server filter (5.13) does, with the same tags
 * ({@code method}, {@code status}, {@code uri}, {@code exception}) and values, at the same place among the filters,
 * but with each timer resolved once per method, status, route and exception and kept. The library's filter read the
 * request's attributes through the conversion service and built the timer's tags and id for the registry's lookup on
 * every request: 5.7 % of a team's list (issue 13, ADR 0128). It runs instead of the library's, never beside it:
 * only with {@code micronaut.metrics.binders.web.enabled=false} (application.properties).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Requires(bean = MeterRegistry.class)
@Requires(property = HttpMetricsConfig.ENABLED, value = "false")
public class ServerRequestTimers implements Ordered {

    static final String METRIC = "http.server.requests";
    private static final String STARTED = "vpsr.metrics.started";
    private static final String UNMATCHED_URI = "UNMATCHED_URI";

    private final MeterRegistry registry;
    private final boolean clientErrorUris;
    private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

    public ServerRequestTimers(MeterRegistry registry, HttpMetricsConfig.ClientErrorsUrisConfig clientErrorUris) {
        this.registry = registry;
        this.clientErrorUris = clientErrorUris.enabled();
    }

    /** What names one timer; {@code path} is the route's template as the request carries it, the tag made from it once. */
    private record TimerKey(HttpMethod method, int status, String path, Class<?> exception) {
    }

    @RequestFilter
    public void started(HttpRequest<?> request) {
        request.setAttribute(STARTED, System.nanoTime());
    }

    @ResponseFilter
    public void answered(HttpRequest<?> request, HttpResponse<?> response) {
        long started = request.getAttribute(STARTED).orElse(null) instanceof Long at ? at : System.nanoTime();
        timer(request.getMethod(), response.code(), path(request), exceptionTag(response))
                .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    /**
     * As the library: a route's exception names the answer unless an error route answered it with a status under 400.
     * The attributes are read as set (ADR 0127): the typed lookup goes through the conversion service.
     */
    private static Class<?> exceptionTag(HttpResponse<?> response) {
        if (!(response.getAttribute(HttpAttributes.EXCEPTION).orElse(null) instanceof Throwable exception)) {
            return null;
        }
        boolean answeredByAnErrorRoute = response.getAttribute(HttpAttributes.ROUTE_MATCH).orElse(null) instanceof RouteMatch<?> match
                && match.getRouteInfo() instanceof ErrorRouteInfo<?, ?>;
        return answeredByAnErrorRoute && response.code() < 400 ? null : exception.getClass();
    }

    /**
     * The route's template as the router left it on the request, else UNMATCHED_URI. The library looks for a route
     * match under ROUTE_INFO first, where Micronaut 4.10 keeps the route's info and never a match: it always ends here
     * (ServerRequestTimersEndToEndTest compares the two filters' series).
     */
    private static String path(HttpRequest<?> request) {
        return request.getAttribute(HttpAttributes.URI_TEMPLATE).orElse(null) instanceof String template
                ? template : UNMATCHED_URI;
    }

    private Timer timer(HttpMethod method, int status, String path, Class<?> exception) {
        TimerKey key = new TimerKey(method, status, path, exception);
        Timer timer = timers.get(key);
        return timer != null ? timer : timers.computeIfAbsent(key, this::register);
    }

    private Timer register(TimerKey key) {
        return Timer.builder(METRIC)
                .tag("method", key.method().toString())
                .tag("status", String.valueOf(key.status()))
                .tag("uri", uriTag(key.status(), key.path()))
                .tag("exception", key.exception() == null ? "none" : key.exception().getSimpleName())
                .register(registry);
    }

    private String uriTag(int status, String path) {
        if (status >= 300 && status < 400) {
            return "REDIRECTION";
        }
        if (!clientErrorUris && status >= 400 && status < 500) {
            return status == 401 ? "UNAUTHORIZED" : "BAD_REQUEST";
        }
        if (status == 404) {
            return "NOT_FOUND";
        }
        return sanitized(path);
    }

    /** The library's sanitising: no doubled slash, no trailing one, "root" for nothing left. */
    private static String sanitized(String path) {
        String single = path.replaceAll("//+", "/");
        String trimmed = single.endsWith("/") ? single.substring(0, single.length() - 1) : single;
        return trimmed.isEmpty() ? "root" : trimmed;
    }

    /**
     * Outside every other filter: the library's ran innermost (no order of its own), where a request a filter answers
     * itself (401/403 from authentication, 429 from the fair share, 503 while draining, 400 for a bad request id)
     * never reaches its response filter, so those answers were missing from the series (ADR 0128, amended).
     */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
