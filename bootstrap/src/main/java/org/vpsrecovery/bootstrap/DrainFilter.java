package org.vpsrecovery.bootstrap;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.context.event.HttpRequestTerminatedEvent;
import io.micronaut.http.filter.ServerFilterPhase;
import java.util.Optional;
import org.vpsrecovery.adapters.http.facade.FacadeProblems;
import org.vpsrecovery.adapters.http.facade.RequestAttributes;
import org.vpsrecovery.adapters.http.facade.RequestReason;

/**
 * Counts the requests in flight for the {@link Drain}; while draining, answers new requests 503
 * {@code INSTANCE_DRAINING} with {@code Retry-After: 1} (a load balancer passes an idempotent one
 * to another instance; nothing was done here, so a client may repeat any of them), and closes each
 * connection after its answer so that no proxy reuses it. Health and metrics are still answered:
 * probes must see the readiness go DOWN. ADR 0038.
 *
 * <p>A request counts until Micronaut says it is over ({@link HttpRequestTerminatedEvent}: the body's end written, or
 * broken off by an error, or the connection gone), not until the response filter sees its answer: a streamed body (the
 * CSV export, a large summary) is still being read from PostgreSQL and written after that (ADR 0038, amended in
 * session 56).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class DrainFilter implements Ordered, ApplicationEventListener<HttpRequestTerminatedEvent> {

    private static final String COUNTED = "vpsr.drain.counted";
    private final Drain drain;

    public DrainFilter(Drain drain) {
        this.drain = drain;
    }

    @RequestFilter
    @Nullable
    public MutableHttpResponse<?> admit(HttpRequest<?> request) {
        String path = request.getPath();
        boolean probe = path.equals("/health") || path.startsWith("/health/") || path.equals("/prometheus");
        if (drain.isDraining() && !probe) {
            return FacadeProblems.respond(HttpStatus.SERVICE_UNAVAILABLE,
                            "this instance is stopping; repeat the request (another instance answers it)",
                            RequestReason.INSTANCE_DRAINING.name(), RequestAttributes.requestId(request), null)
                    .header(HttpHeaders.RETRY_AFTER, "1");
        }
        request.setAttribute(COUNTED, drain.requestStarted());
        return null;
    }

    @ResponseFilter
    public void answered(HttpRequest<?> request, MutableHttpResponse<?> response) {
        counted(request).ifPresent(drain::answered);
        if (drain.isDraining()) {
            response.header(HttpHeaders.CONNECTION, "close");
        }
    }

    /**
     * Micronaut's word that a request is over: its answer written to its end (the last chunk of a streamed body
     * included), or broken off by an error, or dropped with its connection (a client gone); published once for each.
     */
    @Override
    public void onApplicationEvent(HttpRequestTerminatedEvent event) {
        counted(event.getSource()).ifPresent(drain::ended);
    }

    private static Optional<Drain.InFlightRequest> counted(HttpRequest<?> request) {
        return request.getAttribute(COUNTED, Drain.InFlightRequest.class);
    }

    @Override
    public int getOrder() {
        // Right after the request id (RequestIdFilter), before authentication: a draining instance checks no token.
        return ServerFilterPhase.FIRST.after();
    }
}
