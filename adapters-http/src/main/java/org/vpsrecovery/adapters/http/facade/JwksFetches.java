package org.vpsrecovery.adapters.http.facade;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.failure.FailureLine;

/**
 * The fetches of the identity provider's JWKS, told (ADR 0034, amended in session 50): counted by outcome for
 * {@code vpsr.identity.jwks.fetches}, a failure said in a WARN with its cause, at most once a {@link #WARN_AGAIN_AFTER}
 * while the same cause lasts (the same but for its numbers, {@link FailureLine#sameCauseAs}: a timeout's milliseconds or
 * a port differ at every fetch of one outage, session 52), and the first fetch after failures in an INFO. The kept keys serve through an outage
 * ({@code jwks-outage-tolerance}), so without these nothing showed it until every JWT was answered 503.
 */
public final class JwksFetches {

    static final Duration WARN_AGAIN_AFTER = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(JwksFetches.class);
    /** A cause's text in a line is cut here: a library's message may quote what it was given. */
    private static final int CAUSE_LENGTH = 300;

    private final LongAdder fetched = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongSupplier nanoTime;
    /** Under this object's lock: the outage going on (failures since the last good fetch), and what was said of it. */
    private long failuresInARow;
    private FailureLine warnedCause;
    private long warnedAt;

    JwksFetches(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Fetches that brought the keys. */
    public long fetched() {
        return fetched.sum();
    }

    /** Fetches that failed (the identity provider out of reach, an answer that is no JWKS). */
    public long failed() {
        return failed.sum();
    }

    void succeeded() {
        fetched.increment();
        long failures;
        synchronized (this) {
            failures = failuresInARow;
            failuresInARow = 0;
            warnedCause = null;
        }
        if (failures > 0) {
            LOG.info("the identity provider's keys (JWKS) were fetched again, after {} failed fetch(es)", failures);
        }
    }

    void failed(Exception cause) {
        failed.increment();
        FailureLine line = FailureLine.of(cause);
        long failures;
        synchronized (this) {
            failures = ++failuresInARow;
            long now = nanoTime.getAsLong();
            if (line.sameCauseAs(warnedCause) && now - warnedAt < WARN_AGAIN_AFTER.toNanos()) {
                return;
            }
            warnedCause = line;
            warnedAt = now;
        }
        String said = line.cutTo(CAUSE_LENGTH);
        LOG.warn("the identity provider's keys (JWKS) could not be fetched ({}); {} failed fetch(es) in a row. People's "
                + "JWTs are checked against the keys kept from the last good fetch, up to vpsr.identity.jwt."
                + "jwks-outage-tolerance, then answered 503 (said again in {} while this lasts)", said, failures,
                WARN_AGAIN_AFTER);
    }
}
