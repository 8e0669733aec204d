package org.vpsrecovery.adapters.http.console;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ConditionalFilter;
import org.vpsrecovery.adapters.http.facade.FilterPaths;

/**
 * Every console answer: a content security policy with no script at all and only our own stylesheet,
 * no framing (clickjacking), no caching of pages that show audit data, no MIME sniffing, no referrer to other sites,
 * and HSTS when the request came over https. Every console request: refused when another site sent it (its fetch
 * metadata) other than as a link followed, or when it carries the session cookie twice (ADR 0041, amended in session 49).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class ConsoleSecurityHeaders implements ConditionalFilter {

    static final String HSTS = "max-age=31536000";
    static final String SEC_FETCH_SITE = "Sec-Fetch-Site";
    static final String SEC_FETCH_MODE = "Sec-Fetch-Mode";
    static final String EXPORT = "/console/audit/events.csv";

    static final String POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    private final ForwardedHeaders forwarded;

    public ConsoleSecurityHeaders(ForwardedHeaders forwarded) {
        this.forwarded = forwarded;
    }

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
        if (ConsoleTransport.overHttps(request, forwarded)) {
            // Not includeSubDomains: the console does not speak for its sibling hosts.
            response.header("Strict-Transport-Security", HSTS);
        }
    }

    /**
     * A page read from another site (an {@code <img>} on a sibling subdomain, which {@code SameSite=Strict} lets through
     * with the cookie) ran a signed-in reader's export, recorded as theirs, and the dashboard's VPS.org reads. Browsers
     * say who sent a request ({@code Sec-Fetch-Site}): from another site, only a followed link (a top-level navigation)
     * is served, never to the export (the console's own link to it is same-origin), never a form post (a sign-in
     * planted from another site, login CSRF). A client that sends no fetch metadata (curl, an older browser) is served as
     * before. A session cookie sent twice is refused: a planted one with a longer path came first and shadowed the real.
     */
    @RequestFilter
    public void refuseCrossSiteAndShadowedSessions(HttpRequest<?> request) {
        if (!isEnabled(request)) {
            return;
        }
        if (occurrences(request, ConsoleController.SESSION_COOKIE) > 1) {
            throw new ConsoleRequestRefused(HttpStatus.BAD_REQUEST, "Sign in again",
                    "This browser sent the console's session cookie more than once. Clear this site's cookies and sign in "
                            + "again.");
        }
        String site = request.getHeaders().get(SEC_FETCH_SITE);
        if (site == null || site.equalsIgnoreCase("same-origin") || site.equalsIgnoreCase("none")) {
            return;
        }
        boolean followedLink = (request.getMethod() == HttpMethod.GET || request.getMethod() == HttpMethod.HEAD)
                && "navigate".equalsIgnoreCase(request.getHeaders().get(SEC_FETCH_MODE));
        if (!followedLink || request.getPath().equals(EXPORT)) {
            throw new ConsoleRequestRefused(HttpStatus.FORBIDDEN, "Not from another site",
                    "This request was sent by another site's page. Open the console's address yourself and use its "
                            + "own links and forms.");
        }
    }

    /** How many times the request's Cookie headers name this cookie. */
    static int occurrences(HttpRequest<?> request, String name) {
        int count = 0;
        for (String header : request.getHeaders().getAll(HttpHeaders.COOKIE)) {
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                if ((equals < 0 ? pair : pair.substring(0, equals)).strip().equals(name)) {
                    count++;
                }
            }
        }
        return count;
    }
}
