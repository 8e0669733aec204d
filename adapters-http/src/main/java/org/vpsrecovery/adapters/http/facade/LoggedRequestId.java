package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import org.slf4j.MDC;

/**
 * The request's id in this thread's MDC while a failure about it is logged. Micronaut runs its
 * error handling outside the request's propagated context (on the event loop, or after the
 * blocking thread's scope closed), so the id put there by {@link RequestIdFilter} is gone by then.
 * Restores whatever the thread had before.
 */
final class LoggedRequestId implements AutoCloseable {

    private final String previous;

    private LoggedRequestId(String previous) {
        this.previous = previous;
    }

    static LoggedRequestId of(HttpRequest<?> request) {
        String previous = MDC.get(RequestIdFilter.MDC_KEY);
        String id = RequestAttributes.requestId(request);
        if (id != null) {
            MDC.put(RequestIdFilter.MDC_KEY, id);
        }
        return new LoggedRequestId(previous);
    }

    @Override
    public void close() {
        if (previous == null) {
            MDC.remove(RequestIdFilter.MDC_KEY);
        } else {
            MDC.put(RequestIdFilter.MDC_KEY, previous);
        }
    }
}
