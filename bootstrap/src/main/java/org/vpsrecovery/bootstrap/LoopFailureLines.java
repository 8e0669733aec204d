package org.vpsrecovery.bootstrap;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * What one loop that keeps failing says: one line when its failures begin (the cause's class and fixed words, no trace:
 * {@link FailureWords}), at most one reminder per {@link #REMIND_EVERY} while they go on, with the failures since the
 * last line, and one line when it works again. A PostgreSQL outage logged a stack trace at every failure: ~1,250 lines a
 * minute from db-scheduler's loops and the gauges' readings (ADR 0024, session 53). Measured on the monotonic ticker.
 */
final class OutageLines {

    static final Duration REMIND_EVERY = Duration.ofMinutes(10);

    private final Logger log;
    private final Level level;
    private final String what;
    private final LongSupplier nanoTime;
    private boolean failing;
    private long startedAt;
    private long saidAt;
    private long failures;
    private long unsaid;

    /** {@code what}: the loop, as the lines name it ("db-scheduler's polling for due jobs"); {@code level}: of its failures. */
    OutageLines(Logger log, Level level, String what, LongSupplier nanoTime) {
        this.log = Objects.requireNonNull(log, "log");
        this.level = Objects.requireNonNull(level, "level");
        this.what = Objects.requireNonNull(what, "what");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    void failed(Throwable cause) {
        long now = nanoTime.getAsLong();
        String line;
        synchronized (this) {
            failures++;
            if (!failing) {
                failing = true;
                startedAt = now;
                saidAt = now;
                failures = 1;
                unsaid = 0;
                line = what + " is failing: " + FailureWords.of(cause) + "; it keeps trying, one line at most every "
                        + REMIND_EVERY.toMinutes() + " min while it fails and one when it works again";
            } else if (now - saidAt >= REMIND_EVERY.toNanos()) {
                line = what + " is still failing after " + Duration.ofNanos(now - startedAt).toSeconds() + " s: " + unsaid
                        + " more failure(s) since the last line (" + failures + " in all); last: " + FailureWords.of(cause);
                saidAt = now;
                unsaid = 0;
            } else {
                unsaid++;
                return;
            }
        }
        log.atLevel(level).log(line);
    }

    void worked() {
        long now = nanoTime.getAsLong();
        long failed;
        long lasted;
        synchronized (this) {
            if (!failing) {
                return;
            }
            failing = false;
            failed = failures;
            lasted = now - startedAt;
        }
        log.info("{} works again after {} failure(s) over {} s", what, failed, Duration.ofNanos(lasted).toSeconds());
    }
}
