package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.propagation.ThreadPropagatedContextElement;
import org.slf4j.MDC;

/**
 * The request's id in the MDC of whichever thread serves the request ({@code %X{request_id}}),
 * set and put back as the request moves between threads. Micronaut's {@code MdcPropagationContext}
 * copies the whole MDC map twice on every switch, and a provider call makes several (issue 13's
 * profile); this element touches its one key only.
 */
record RequestIdLogContext(String requestId) implements ThreadPropagatedContextElement<String> {

    @Override
    @Nullable
    public String updateThreadContext() {
        String previous = MDC.get(RequestIdFilter.MDC_KEY);
        MDC.put(RequestIdFilter.MDC_KEY, requestId);
        return previous;
    }

    @Override
    public void restoreThreadContext(@Nullable String previous) {
        if (previous == null) {
            MDC.remove(RequestIdFilter.MDC_KEY);
        } else {
            MDC.put(RequestIdFilter.MDC_KEY, previous);
        }
    }
}
