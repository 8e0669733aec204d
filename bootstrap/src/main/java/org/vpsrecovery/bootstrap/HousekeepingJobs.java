package org.vpsrecovery.bootstrap;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.failure.FailureLine;
import org.vpsrecovery.application.failure.OutageLines;
import org.vpsrecovery.domain.port.PlatformUnavailable;

/**
 * The one job every instance runs for itself: writing the audit events it kept because the history
 * could not take them at the time (ADR 0141). They are in this instance's own folder of kept events
 * (and those of an instance that stopped, taken over at start), so no other instance writes them;
 * jobs over shared state run once across instances ({@link ClusterJobs}). Built when the context starts, so that a
 * wrong {@code vpsr.audit.backlog-flush-every} stops the start naming the key.
 */
@Context
public class HousekeepingJobs {

    private static final Logger LOG = LoggerFactory.getLogger(HousekeepingJobs.class);

    /** How often the WARN about events waiting is repeated while its cause stays the same (a flush runs every 2 s). */
    static final Duration WARN_AGAIN_AFTER = Duration.ofMinutes(1);
    /** A cause's text in a log line is cut here: a driver's message may run on (a whole statement, a row). */
    private static final int CAUSE_LENGTH = 500;

    private final AuditWriter auditWriter;
    /** The events' wait as an outage: the same cause is said again once a minute, not every flush; another at once. */
    private final OutageLines waiting;

    @jakarta.inject.Inject
    public HousekeepingJobs(AuditWriter auditWriter, @Value("${vpsr.audit.backlog-flush-every:2s}") Duration flushEvery,
                            java.time.Clock clock) {
        // On the platform's wall clock, as since session 50 (ADR 0141): AuditAppendMetricsEndToEndTest moves it to see
        // the once-a-minute reminder; stepped back, it only delays a reminder.
        this(auditWriter, flushEvery, new OutageLines(WARN_AGAIN_AFTER, true, HousekeepingJobs::describedLine, clock));
    }

    /** {@code nowNanos}: now in nanoseconds on any clock (a test's), which the WARN is spaced on. */
    HousekeepingJobs(AuditWriter auditWriter, Duration flushEvery, LongSupplier nowNanos) {
        this(auditWriter, flushEvery, new OutageLines(WARN_AGAIN_AFTER, true, HousekeepingJobs::describedLine, nowNanos));
    }

    private HousekeepingJobs(AuditWriter auditWriter, Duration flushEvery, OutageLines waiting) {
        // Micronaut's scheduler refuses a period that is not positive with no key named.
        StartupRefused.unlessPositive("vpsr.audit.backlog-flush-every", flushEvery);
        this.auditWriter = auditWriter;
        this.waiting = waiting;
    }

    @Scheduled(fixedDelay = "${vpsr.audit.backlog-flush-every:2s}", initialDelay = "2s")
    void writeDeferredAuditEvents() {
        // Flushed even when nothing of this instance's waits: an instance stopped since may have left events kept.
        int written = auditWriter.flush();
        if (written == 0 && auditWriter.waiting() == 0) {
            return;
        }
        if (auditWriter.waiting() > 0) {
            warnWaiting(auditWriter.waiting(), auditWriter.lastFailure());
        } else {
            waiting.worked();
            LOG.info("wrote {} audit event(s) that had waited for the history", written);
        }
    }

    /**
     * Says why the events wait, with the cause the writer noted, at most once a {@link #WARN_AGAIN_AFTER} while the cause
     * is the same (ADR 0141, amended in session 50): a history refusing appends (a constraint, a trigger) and one out of
     * reach call for different hands, and a flush every 2 s said neither, every 2 s. The same cause is the same line but
     * for its numbers: a pool's timeout says its counts and waits, new at every flush (session 51). The shared rule of
     * {@link OutageLines} (session 54).
     */
    void warnWaiting(int events, Optional<RuntimeException> failure) {
        waiting.failed(failure.map(HousekeepingJobs::describedLine).orElse(NO_FAILURE_NOTED)).ifPresent(line ->
                LOG.warn("{}; {} event(s) wait to be written (said again in {} while this lasts)",
                        line.cause().cutTo(CAUSE_LENGTH), events, WARN_AGAIN_AFTER));
    }

    private static final FailureLine NO_FAILURE_NOTED =
            new FailureLine("the audit history has not taken them yet (no failure noted since this instance started)");

    /**
     * Whether the history is out of reach or refuses, and the failure's class and message (the driver's, which names the
     * constraint or the trigger's words, never a credential), on one line.
     */
    static String described(RuntimeException failure) {
        return describedLine(failure).cutTo(CAUSE_LENGTH);
    }

    private static FailureLine describedLine(Throwable failure) {
        boolean unavailable = failure instanceof PlatformUnavailable || DatabaseOutOfReach.outOfReach(failure);
        // PostgreSQL's "Detail: Failing row contains (...)" quotes the refused row: an audit event, its actor's subject
        // (a person's email) among its parts. The constraint's or trigger's name is on the first line (own-merge review).
        return FailureLine.of(failure, message -> FAILING_ROW.matcher(message).replaceAll("")).after(unavailable
                ? "the audit history is unavailable (the database busy or out of reach): "
                : "the audit history refuses appends: ");
    }

    private static final java.util.regex.Pattern FAILING_ROW =
            java.util.regex.Pattern.compile("\\s*Detail: Failing row contains \\(.*?\\)\\.?(?=\\s*(\\n|\\)|$))",
                    java.util.regex.Pattern.DOTALL);
}
