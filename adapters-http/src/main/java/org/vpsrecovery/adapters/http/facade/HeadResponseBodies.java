package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.web.router.RouteAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A HEAD's answer gives back what its unsent body holds. Micronaut answers HEAD on every GET route by running the GET,
 * then takes the body off the answer (keeping it aside as the route's "head body") and releases it only if it is a
 * Netty buffer: a streamed body (an export's database cursor, a summary's audit-read slot, ADR 0062) was never closed,
 * and four HEADs kept every long audit read out until restart (session 42). Here, on every path, a head body that
 * holds something ({@link AutoCloseable}) is closed, so any streamed route added later is covered without a word of
 * its own; the GET's headers (its Content-Type, Content-Disposition) stay.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class HeadResponseBodies implements Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(HeadResponseBodies.class);

    @ResponseFilter
    public void closeUnsentBody(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (request.getMethod() != HttpMethod.HEAD) {
            return;
        }
        if (RouteAttributes.getHeadBody(response).orElse(null) instanceof AutoCloseable unsent) {
            try {
                unsent.close();
            } catch (Exception notClosed) {
                // The answer stays right (a HEAD has no body); what the body held is the body's to report.
                LOG.warn("closing the unsent body of a HEAD answer failed", notClosed);
            }
        }
    }

    /** First in, so last out: runs once every other filter has answered. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
