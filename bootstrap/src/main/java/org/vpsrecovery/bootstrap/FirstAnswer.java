package org.vpsrecovery.bootstrap;

import io.micronaut.http.context.event.HttpRequestTerminatedEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Whether the server has answered a request yet (ADR 0098). A bean of its own, with nothing to build: Micronaut looks a
 * listener up at each event, so an answer written while the context stops, after it destroyed the listener's bean,
 * builds that bean again. Were it {@link ClusterJobs}, that would be a second scheduler and its database look-ups, on
 * the event loop, in the middle of the stop (seen in a stop's log, session 45).
 */
@Singleton
public class FirstAnswer {

    private final CountDownLatch answered = new CountDownLatch(1);

    /** A request was answered and its response written (any request: a probe, a client's). */
    @EventListener
    void answered(HttpRequestTerminatedEvent event) {
        answered.countDown();
    }

    /** True once a request was answered, waiting at most {@code wait} for it. */
    boolean await(Duration wait) throws InterruptedException {
        return answered.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }
}
