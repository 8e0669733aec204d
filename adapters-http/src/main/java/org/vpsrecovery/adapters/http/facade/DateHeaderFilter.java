package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.util.Objects;

/**
 * Dates every answer that passes the filters, their own too (a 401, a 429), which Micronaut's date header leaves out:
 * it dates a route's answers only, so {@code micronaut.server.date-header} is off beside this. What never reaches the
 * filters (a request Netty could not decode) is dated by {@link ProblemErrorResponses}.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class DateHeaderFilter implements Ordered {

    private final HttpDate date;

    public DateHeaderFilter(HttpDate date) {
        this.date = Objects.requireNonNull(date, "date");
    }

    @ResponseFilter
    public void date(MutableHttpResponse<?> response) {
        date.stamp(response);
    }

    /** First in, so last out: the answer is dated whichever filter made it. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }
}
