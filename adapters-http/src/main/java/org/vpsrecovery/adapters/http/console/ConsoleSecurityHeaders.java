package org.vpsrecovery.adapters.http.console;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ConditionalFilter;
import org.vpsrecovery.adapters.http.facade.FilterPaths;

/**
 * Every console answer: a content security policy with no script at all and only our own stylesheet,
 * no framing (clickjacking), no caching of pages that show audit data, no MIME sniffing, no referrer to other sites.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class ConsoleSecurityHeaders implements ConditionalFilter {

    static final String POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    /** The console's pages only (FilterPaths). */
    @Override
    public boolean isEnabled(HttpRequest<?> request) {
        return FilterPaths.underConsole(request.getPath());
    }

    @ResponseFilter
    public void secure(HttpRequest<?> request, MutableHttpResponse<?> response) {
        // isEnabled is not consulted on a request with an Origin header (ADR 0124): decide here too.
        if (!isEnabled(request)) {
            return;
        }
        response.header("Content-Security-Policy", POLICY);
        response.header("X-Frame-Options", "DENY");
        response.header("X-Content-Type-Options", "nosniff");
        // Not no-referrer: with it Chrome sends "Origin: null" on the console's own form posts, which
        // Micronaut's loopback guard (CorsFilter) refuses as a foreign origin.
        response.header("Referrer-Policy", "same-origin");
        response.header("Cache-Control", "no-store");
    }
}
