package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.vpsrecovery.application.audit.AuditReader;

/**
 * The long polls of one instance ({@code GET /api/v1/operations/{id}/?wait=}): each holds a worker
 * thread, and reads the store twice a second, for up to a minute. At most
 * {@code vpsr.operations.max-waits} (default {@value #DEFAULT_MAX}) run at once, and at most
 * {@code vpsr.operations.max-waits-per-team} (default {@value #DEFAULT_PER_TEAM}, or every slot when there
 * are fewer) of one team's (an auditor's, by name), so one team's waits cannot keep every other team's out.
 * One more is refused at once, never queued ({@link Refused}: 503 problem+json, {@code Retry-After}).
 * Built when the context starts: a wrong setting stops the start with its key named.
 */
@Context
public class OperationWaits {

    static final int DEFAULT_MAX = 32;
    /** A quarter of the default slots: a team's pipelines wait on several operations, and three more teams still fit. */
    static final int DEFAULT_PER_TEAM = 8;
    static final int MOST = 10_000;
    /** Long enough for some of the waits running now to end; a caller may also poll without waiting. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final int max;
    private final int perTeam;
    private final Semaphore slots;
    private final ConcurrentMap<AuditReader, Integer> heldByTeam = new ConcurrentHashMap<>();

    public OperationWaits(@Value("${vpsr.operations.max-waits:" + DEFAULT_MAX + "}") int max,
                          @Value("${vpsr.operations.max-waits-per-team:0}") int perTeam) {
        if (max < 0 || max > MOST) {
            throw new IllegalArgumentException("vpsr.operations.max-waits must be 0-" + MOST + ", not " + max);
        }
        // Unset (0): the default share, or every slot when there are fewer (as vpsr.audit.reads.per-reader, ADR 0062).
        if (perTeam < 0 || perTeam > max) {
            throw new IllegalArgumentException("vpsr.operations.max-waits-per-team must be 1-" + max
                    + " (vpsr.operations.max-waits), or unset, not " + perTeam);
        }
        this.max = max;
        this.perTeam = perTeam == 0 ? Math.min(DEFAULT_PER_TEAM, max) : perTeam;
        this.slots = new Semaphore(max);
    }

    /**
     * Runs {@code wait} in a slot of its own, or throws {@link Refused} at once when the reader's team already
     * holds its share of the slots, or when every slot is taken.
     */
    <T> T inASlot(AuditReader reader, Supplier<T> wait) {
        Objects.requireNonNull(reader, "reader");
        if (!joinShare(reader)) {
            // No share at all only when the instance allows no waits (max-waits 0).
            throw perTeam == 0 ? Refused.instance(max) : Refused.teamsShare(perTeam);
        }
        try {
            if (!slots.tryAcquire()) {
                throw Refused.instance(max);
            }
            try {
                return wait.get();
            } finally {
                slots.release();
            }
        } finally {
            leaveShare(reader);
        }
    }

    /** The slots taken now: waits running on this instance (a gauge for operators, {@code vpsr.operations.waits.in_use}). */
    public int inUse() {
        return max - slots.availablePermits();
    }

    private boolean joinShare(AuditReader reader) {
        AtomicBoolean within = new AtomicBoolean();
        heldByTeam.compute(reader, (who, held) -> {
            int now = held == null ? 0 : held;
            within.set(now < perTeam);
            return within.get() ? Integer.valueOf(now + 1) : held;
        });
        return within.get();
    }

    private void leaveShare(AuditReader reader) {
        heldByTeam.computeIfPresent(reader, (who, held) -> held <= 1 ? null : held - 1);
    }

    /** Every slot is taken, or the team's share of them: come back later, or read without waiting. */
    static final class Refused extends RuntimeException {

        private Refused(String message) {
            super(message, null, false, false);
        }

        static Refused instance(int max) {
            return new Refused("this instance is already running its " + max + " waiting reads of operations; try again "
                    + "after Retry-After seconds, or read the operation without wait");
        }

        static Refused teamsShare(int perTeam) {
            return new Refused("your team already runs " + perTeam + " waiting reads of operations on this instance, as "
                    + "many as one team may; try again after Retry-After seconds, or read the operation without wait");
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
