package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.http.server.exceptions.NotAcceptableException;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteInfo;
import java.util.List;

/**
 * 406 when nothing a route answers with is acceptable to the request's Accept header (RFC 9110 12.5.1,
 * {@link AcceptedTypes}), on every route: the API's JSON (and the export's CSV), the console's HTML, CSV and CSS, the
 * health and metrics endpoints. The route was chosen without the Accept header ({@link AcceptIgnoringRouter}). The
 * refusal is Micronaut's own {@link NotAcceptableException}, answered as its 406 was when the router refused: a
 * problem+json with reason code {@code NOT_ACCEPTABLE} ({@link ProblemErrorResponses}), or the console's error page.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class AcceptFilter implements Ordered {

    @RequestFilter
    public void refuseWhatIsNotAcceptable(HttpRequest<?> request) {
        if (!request.getHeaders().contains(HttpHeaders.ACCEPT)) {
            return;
        }
        RouteInfo<?> route = RouteAttributes.getRouteInfo(request).orElse(null);
        if (route == null) {
            return;
        }
        List<MediaType> offered = route.getProduces();
        if (!AcceptedTypes.anyAcceptable(request, offered)) {
            throw new NotAcceptableException(request.getHeaders().getAll(HttpHeaders.ACCEPT),
                    offered.stream().map(MediaType::toString).toList());
        }
    }

    /**
     * Last, where the router's 406 was answered (after every filter): a caller without a valid token learns nothing
     * about what we answer with, a body of the wrong type is 415 first ({@link JsonContentTypeFilter}), as the router
     * had it, and the refusal goes out through every other filter, the console's views included, which render its
     * error page.
     */
    @Override
    public int getOrder() {
        return ServerFilterPhase.LAST.order();
    }
}
