package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.http.server.HttpServerConfiguration;
import java.time.Duration;
import org.vpsrecovery.adapters.http.provider.ProviderDeadline;

/**
 * Gives every request, as it arrives, the deadline its VPS.org calls end by ({@link ProviderDeadline}): the server
 * closes a connection silent for {@code micronaut.server.idle-timeout}, its answer awaited or not, and a request that
 * made several provider calls in a row, each retried, used to outlast it and be answered to nobody (ADR 0010, amended
 * in session 45).
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class ProviderDeadlineFilter implements Ordered {

    private final Duration idleTimeout;

    public ProviderDeadlineFilter(HttpServerConfiguration server) {
        this.idleTimeout = server.getIdleTimeout();
    }

    @RequestFilter
    public void setDeadline(MutablePropagatedContext propagated) {
        ProviderDeadline.forRequestArrivingNow(idleTimeout).ifPresent(propagated::add);
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }
}
