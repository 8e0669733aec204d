package org.vpsrecovery.bootstrap;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.event.SchedulerListener;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.ILoggerFactory;
import org.slf4j.Marker;

/**
 * db-scheduler's loops say "Unhandled exception. Will keep running." at ERROR with the whole trace at every failure: its
 * polling for due jobs about every 6 s and its housekeeping, ~15 traces of 45-60 lines a minute for as long as PostgreSQL
 * is out of reach. This filter (logback's, set up by {@link ServiceLogging}; db-scheduler itself is left as it is) turns
 * each loop's failures into {@link LoopFailureLines}: one line as they begin, a reminder at most every 10 min with the count,
 * and one as the loop works again, which db-scheduler's events tell ({@link #listenerIn}). ADR 0024, session 53.
 */
final class SchedulerLoopLines extends TurboFilter {

    static final String POLLING = "com.github.kagkarlsson.scheduler.RunUntilShutdown";
    static final String HOUSEKEEPING = "com.github.kagkarlsson.scheduler.RunAndLogErrors";
    private static final String KEEPS_RUNNING = "Unhandled exception. Will keep running.";

    private final LoopFailureLines polling;
    private final LoopFailureLines housekeeping;
    private final Map<String, LoopFailureLines> byLogger;

    SchedulerLoopLines(LoggerContext context, LongSupplier nanoTime) {
        org.slf4j.Logger said = context.getLogger(SchedulerLoopLines.class);
        polling = new LoopFailureLines(said, org.slf4j.event.Level.ERROR, "db-scheduler's polling for due jobs", nanoTime);
        housekeeping = new LoopFailureLines(said, org.slf4j.event.Level.ERROR,
                "db-scheduler's housekeeping (heartbeats, dead executions)", nanoTime);
        byLogger = Map.of(POLLING, polling, HOUSEKEEPING, housekeeping);
        setContext(context);
        setName("db-scheduler-loop-lines");
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        LoopFailureLines loop = byLogger.get(logger.getName());
        // Only an outage of the database is folded: any other failure (a bug, an Error) keeps db-scheduler's line
        // and its trace (own-merge review of session 53).
        if (loop == null || t == null || level != Level.ERROR || !KEEPS_RUNNING.equals(format)
                || Application.databaseFailure(t).isEmpty()) {
            return FilterReply.NEUTRAL;
        }
        loop.failed(t);
        return FilterReply.DENY;
    }

    /** What tells the loops' lines that a loop worked: its run's event, sent only when it ran to its end. */
    SchedulerListener listener() {
        return new AbstractSchedulerListener() {
            @Override
            public void onSchedulerEvent(SchedulerEventType type) {
                switch (type) {
                    case RAN_EXECUTE_DUE -> polling.worked();
                    // Heartbeats are updated without the database when nothing runs: the dead-execution check reads it.
                    case RAN_DETECT_DEAD -> housekeeping.worked();
                    default -> {
                        // nothing said
                    }
                }
            }
        };
    }

    /** The listener of the filter set up in this logging, if it is ours (an operator's own logback file has none). */
    static Optional<SchedulerListener> listenerIn(ILoggerFactory logging) {
        return logging instanceof LoggerContext context ? context.getTurboFilterList().stream()
                .filter(SchedulerLoopLines.class::isInstance).map(SchedulerLoopLines.class::cast).findFirst()
                .map(SchedulerLoopLines::listener) : Optional.empty();
    }
}
