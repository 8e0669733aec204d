package org.vpsrecovery.application.approval;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.PlatformUnavailable;

/**
 * How an approval step's audit event is never lost, for operations (ADR 0040) and pending changes (ADR 0043) alike:
 * the step's write marks its event owed in the same statement; the request appends the event, rebuilt from the row
 * alone, just after; the settle-approvals job writes what is still owed after {@link #OWED_EVENT_GRACE}, unless the
 * history already has it, and then clears the mark.
 */
public final class ApprovalStepEvents {

    private static final System.Logger LOG = System.getLogger(ApprovalStepEvents.class.getName());

    /** How long a step's own request has to write its event before the settle job writes it as owed. */
    public static final Duration OWED_EVENT_GRACE = Duration.ofSeconds(30);

    private ApprovalStepEvents() {
    }

    /**
     * One row's owed steps: {@code eventOf} rebuilds a step's event from the row as stored, {@code written} clears
     * the step's mark once the history has it.
     */
    public record Owing(OperationId about, List<ApprovalStep> steps, Function<ApprovalStep, AuditEvent> eventOf,
                        Consumer<ApprovalStep> written) {

        public Owing {
            Objects.requireNonNull(about, "about");
            steps = List.copyOf(steps);
            Objects.requireNonNull(eventOf, "event of");
            Objects.requireNonNull(written, "written");
        }
    }

    /**
     * Appends a step's event just after its write. If the history cannot take it now, it stays owed (the write
     * marked it) and the settle job writes it: the step happened, so its request does not fail for its record.
     */
    public static void appendOrLeaveOwed(AuditWriter writer, AuditEvent event) {
        try {
            writer.appendNow(event);
        } catch (RuntimeException unavailable) {
            LOG.log(System.Logger.Level.WARNING, "the {0} event of {1} is owed: the history did not take it now ({2}); "
                    + "the settle-approvals job writes it", event.operation(), event.detail().get(AuditEvent.APPROVAL_OF),
                    unavailable.getClass().getSimpleName());
        }
    }

    /**
     * Before a decision on {@code row.about()}: its request's {@code REQUEST_APPROVAL}, when still owed (the history
     * refused it when asked), written first, unless the history has it already, then no longer owed. Else the decision, and
     * an approved run's events, would be on record (chain and webhooks too) before the request they decide (ADR 0040,
     * amended session 51). Throws {@link PlatformUnavailable} when the history cannot take it: nothing is decided then.
     * Within {@link #OWED_EVENT_GRACE} of the request, while the history does not hold it, the request's own thread may
     * still be appending it (its append checks nothing): the decision is put off (503) rather than write it a second time.
     */
    public static void writeOwedRequestFirst(AuditWriter writer, Owing row, Instant now) {
        for (ApprovalStep step : row.steps()) {
            if (step.event() != Operation.REQUEST_APPROVAL) {
                continue;
            }
            AuditEvent request = row.eventOf().apply(step);
            try {
                if (!writer.isRecorded(request)) {
                    if (request.occurredAt().isAfter(now.minus(OWED_EVENT_GRACE))) {
                        throw new PlatformUnavailable("the request for approval is still being recorded, so nothing was "
                                + "decided; try again shortly", Duration.ofSeconds(2), null);
                    }
                    writer.appendUnlessRecorded(request);
                }
            } catch (PlatformUnavailable stillBeingRecorded) {
                throw stillBeingRecorded;
            } catch (RuntimeException historyDown) {
                throw new PlatformUnavailable("the audit history cannot record the request for approval now, so nothing "
                        + "was decided; try again shortly", Duration.ofSeconds(2), historyDown);
            }
            try {
                row.written().accept(step);
            } catch (RuntimeException storeDown) {
                // On record now; a mark left behind only makes the settle job look it up and find it.
                LOG.log(System.Logger.Level.WARNING, "the REQUEST_APPROVAL event of {0} is written but still marked owed: "
                        + "{1}", row.about(), storeDown.toString());
            }
        }
    }

    /**
     * Writes the owed events of steps taken by {@code owedBefore}, each unless the history already has it, then no
     * longer owed. Returns how many were written; stops at the first the history cannot take (the next round goes on).
     */
    public static int writeOwed(AuditWriter writer, Instant owedBefore, List<Owing> owing) {
        int written = 0;
        for (Owing row : owing) {
            for (ApprovalStep step : row.steps()) {
                AuditEvent event;
                try {
                    event = row.eventOf().apply(step);
                } catch (RuntimeException unreadable) {
                    // Never expected (the mark is the step's own write); logged, and it does not hold up the others.
                    LOG.log(System.Logger.Level.ERROR, "the owed {0} event of {1} cannot be made from its row: {2}",
                            step.event(), row.about(), unreadable.toString());
                    continue;
                }
                if (event.occurredAt().isAfter(owedBefore)) {
                    continue;
                }
                try {
                    written += writer.appendUnlessRecorded(event) ? 1 : 0;
                    row.written().accept(step);
                } catch (RuntimeException unavailable) {
                    return written;
                }
            }
        }
        return written;
    }
}
