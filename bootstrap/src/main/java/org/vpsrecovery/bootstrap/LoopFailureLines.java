package org.vpsrecovery.bootstrap;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.vpsrecovery.application.failure.OutageLines;

/**
 * What one loop that keeps failing says, by the shared rule ({@link OutageLines}): one line when its failures begin (the
 * cause's class and fixed words, no trace: {@link FailureWords}), at most one reminder per {@link #REMIND_EVERY} while
 * they go on, with the failures since the last line, and one line when it works again. A PostgreSQL outage logged a stack
 * trace at every failure: ~1,250 lines a minute from db-scheduler's loops and the gauges' readings (ADR 0024, session 53).
 * Measured on the monotonic ticker.
 */
final class LoopFailureLines {

    static final Duration REMIND_EVERY = Duration.ofMinutes(10);

    private final Logger log;
    private final Level level;
    private final String what;
    private final String whileFailing;
    private final OutageLines outage;

    /** {@code what}: the loop, as the lines name it ("db-scheduler's polling for due jobs"); {@code level}: of its failures. */
    LoopFailureLines(Logger log, Level level, String what, LongSupplier nanoTime) {
        this(log, level, what, "it keeps trying", nanoTime);
    }

    /** {@code whileFailing}: what it does meanwhile, for one that does not keep trying ("it is checked again at each probe"). */
    LoopFailureLines(Logger log, Level level, String what, String whileFailing, LongSupplier nanoTime) {
        this.whileFailing = Objects.requireNonNull(whileFailing, "whileFailing");
        this.log = Objects.requireNonNull(log, "log");
        this.level = Objects.requireNonNull(level, "level");
        this.what = Objects.requireNonNull(what, "what");
        // A cause changing in an outage (refused, then the pool's timeout) waits for the reminder: the loops fail every
        // few seconds, and two alternating causes would be a line each time.
        this.outage = new OutageLines(REMIND_EVERY, false, FailureWords::line, nanoTime);
    }

    void failed(Throwable cause) {
        outage.failed(cause).ifPresent(line -> log.atLevel(level).log(line.first()
                ? what + " is failing: " + line.cause().text() + "; " + whileFailing + ", one line at most every "
                        + REMIND_EVERY.toMinutes() + " min while it fails and one when it works again"
                : what + " is still failing after " + line.lasted().toSeconds() + " s: " + line.heldBack()
                        + " more failure(s) since the last line (" + line.failures() + " in all); last: "
                        + line.cause().text()));
    }

    void worked() {
        outage.worked().ifPresent(ended -> log.info("{} works again after {} failure(s) over {} s", what,
                ended.failures(), ended.lasted().toSeconds()));
    }
}
