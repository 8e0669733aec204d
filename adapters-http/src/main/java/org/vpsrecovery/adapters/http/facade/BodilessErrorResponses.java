package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * Errors some framework filters answer without a body get a problem+json one. The one known is
 * Micronaut's CORS filter: on a loopback-bound server it refuses, with an empty 403, any request
 * whose Origin is not local (its guard against drive-by-localhost attacks).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class BodilessErrorResponses implements Ordered {

    @ResponseFilter
    public void addProblem(HttpRequest<?> request, MutableHttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        if (status.getCode() < 400 || response.getBody().isPresent()) {
            return;
        }
        boolean crossOrigin = status == HttpStatus.FORBIDDEN && request.getHeaders().contains(HttpHeaders.ORIGIN);
        RequestReason reason = crossOrigin ? RequestReason.CROSS_ORIGIN_REFUSED
                : status.getCode() >= 500 ? RequestReason.INTERNAL_ERROR : RequestReason.BAD_REQUEST;
        String detail = crossOrigin ? "requests from a browser page of another origin are refused" : status.getReason();
        @SuppressWarnings("unchecked")
        MutableHttpResponse<ProblemDetails> problem = (MutableHttpResponse<ProblemDetails>) response;
        problem.contentType(ProblemDetails.MEDIA_TYPE).body(ProblemDetails.of(status.getCode(), status.getReason(), detail,
                reason.name(), RequestAttributes.requestId(request), null));
    }

    /** First in, so last out: sees the answer after every other filter (CORS among them) has made it. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }
}
