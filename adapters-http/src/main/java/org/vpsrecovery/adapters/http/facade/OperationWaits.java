package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The long polls of one instance ({@code GET /api/v1/operations/{id}/?wait=}): each holds a worker
 * thread, and reads the store twice a second, for up to a minute. At most
 * {@code vpsr.operations.max-waits} (default {@value #DEFAULT_MAX}) run at once; one more is
 * refused at once, never queued ({@link Refused}: 503 problem+json, {@code Retry-After}).
 */
@Singleton
public class OperationWaits {

    static final int DEFAULT_MAX = 32;
    /** Long enough for some of the waits running now to end; a caller may also poll without waiting. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final int max;
    private final Semaphore slots;

    public OperationWaits(@Value("${vpsr.operations.max-waits:" + DEFAULT_MAX + "}") int max) {
        if (max < 0 || max > 10_000) {
            throw new IllegalArgumentException("vpsr.operations.max-waits must be 0-10000, not " + max);
        }
        this.max = max;
        this.slots = new Semaphore(max);
    }

    /** Runs {@code wait} in a slot of its own, or throws {@link Refused} at once when every slot is taken. */
    <T> T inASlot(Supplier<T> wait) {
        if (!slots.tryAcquire()) {
            throw new Refused(max);
        }
        try {
            return wait.get();
        } finally {
            slots.release();
        }
    }

    /** Every slot is taken: come back later, or read without waiting. */
    static final class Refused extends RuntimeException {
        Refused(int max) {
            super("this instance is already running its " + max + " waiting reads of operations; try again after "
                    + "Retry-After seconds, or read the operation without wait", null, false, false);
        }
    }

    @Singleton
    @Produces(ProblemDetails.MEDIA_TYPE)
    public static class RefusedHandler implements ExceptionHandler<Refused, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, Refused refused) {
            return FacadeProblems.respond(HttpStatus.SERVICE_UNAVAILABLE, refused.getMessage(),
                            RequestReason.TOO_MANY_WAITING_REQUESTS.name(), RequestAttributes.requestId(request), null)
                    .header("Retry-After", FacadeProblems.retryAfterSeconds(RETRY_AFTER));
        }
    }
}
