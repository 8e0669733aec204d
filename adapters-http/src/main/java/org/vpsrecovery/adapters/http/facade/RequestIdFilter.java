package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import org.vpsrecovery.domain.common.RequestId;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} if it is well formed, a new UUID if
 * absent; a malformed one, or one of the platform's own ({@link RequestId#isPlatformMade()}), is refused. The id is echoed on every response, errors included.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class RequestIdFilter implements Ordered {

    public static final String MDC_KEY = "request_id";

    @RequestFilter
    @Nullable
    public MutableHttpResponse<?> assignId(HttpRequest<?> request, MutablePropagatedContext propagated) {
        String given = request.getHeaders().get(RequestAttributes.REQUEST_ID_HEADER);
        RequestId id;
        if (given == null || given.isEmpty()) {
            id = RequestId.random();
        } else {
            try {
                id = new RequestId(given);
                if (id.isPlatformMade()) {
                    throw new IllegalArgumentException("may not begin with " + String.join(" or ", RequestId.PLATFORM_PREFIXES)
                            + ": those ids are the platform's own");
                }
            } catch (IllegalArgumentException malformed) {
                id = RequestId.random();
                request.setAttribute(RequestAttributes.REQUEST_ID, id);
                return FacadeProblems.respond(HttpStatus.BAD_REQUEST, "X-Request-Id " + malformed.getMessage(),
                        RequestReason.INVALID_REQUEST_ID.name(), id.value(), RequestAttributes.REQUEST_ID_HEADER)
                        .header(RequestAttributes.REQUEST_ID_HEADER, id.value());
            }
        }
        request.setAttribute(RequestAttributes.REQUEST_ID, id);
        // Every log line written while this request is served carries its id (%X{request_id}).
        propagated.add(new RequestIdLogContext(id.value()));
        return null;
    }

    @ResponseFilter
    public void echoId(HttpRequest<?> request, MutableHttpResponse<?> response) {
        String id = RequestAttributes.requestId(request);
        if (id != null && !response.getHeaders().contains(RequestAttributes.REQUEST_ID_HEADER)) {
            response.header(RequestAttributes.REQUEST_ID_HEADER, id);
        }
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }
}
