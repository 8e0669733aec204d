package org.vpsrecovery.adapters.http.facade;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.failure.FailureLine;
import org.vpsrecovery.application.failure.OutageLines;

/**
 * The fetches of the identity provider's JWKS, told (ADR 0034, amended in session 50): counted by outcome for
 * {@code vpsr.identity.jwks.fetches}, a failure said in a WARN with its cause, at most once a {@link #WARN_AGAIN_AFTER}
 * while the same cause lasts (the same but for its numbers, {@link FailureLine#sameCauseAs}: a timeout's milliseconds or
 * a port differ at every fetch of one outage, session 52), another cause at once, and the first fetch after failures in
 * an INFO: the shared rule of {@link OutageLines} (session 54). The kept keys serve through an outage
 * ({@code jwks-outage-tolerance}), so without these nothing showed it until every JWT was answered 503.
 */
public final class JwksFetches {

    static final Duration WARN_AGAIN_AFTER = Duration.ofMinutes(1);
    private static final Logger LOG = LoggerFactory.getLogger(JwksFetches.class);
    /** A cause's text in a line is cut here: a library's message may quote what it was given. */
    private static final int CAUSE_LENGTH = 300;

    private final LongAdder fetched = new LongAdder();
    private final LongAdder failed = new LongAdder();
    /** The outage going on (failures since the last good fetch), and what was said of it. */
    private final OutageLines outage;

    JwksFetches(LongSupplier nanoTime) {
        this.outage = new OutageLines(WARN_AGAIN_AFTER, true, FailureLine::of, nanoTime);
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
        outage.worked().ifPresent(ended -> LOG.info(
                "the identity provider's keys (JWKS) were fetched again, after {} failed fetch(es)", ended.failures()));
    }

    void failed(Exception cause) {
        failed.increment();
        outage.failed(cause).ifPresent(line -> LOG.warn("the identity provider's keys (JWKS) could not be fetched ({}); "
                + "{} failed fetch(es) in a row. People's JWTs are checked against the keys kept from the last good fetch, "
                + "up to vpsr.identity.jwt.jwks-outage-tolerance, then answered 503 (said again in {} while this lasts)",
                line.cause().cutTo(CAUSE_LENGTH), line.failures(), WARN_AGAIN_AFTER));
    }
}
