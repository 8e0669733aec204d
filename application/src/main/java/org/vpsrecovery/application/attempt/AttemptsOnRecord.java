package org.vpsrecovery.application.attempt;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.audit.LaterReleaseEvent;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.AuditHistory;

/**
 * What the audit history holds of one request's attempt, found by its id (the request's operation id). Every change
 * the platform makes (an operation, a hold placed or released, a policy created, replaced or deleted, a restore's hold
 * ended) records its intent durably under that id before it acts ({@link AuditedAttempts}, the policies' audit), and
 * acts only once the intent is on record: so the intent is the one trace every change leaves, whatever its kind, and
 * wherever its events are filed (ADR 0027, amended in session 40).
 */
public final class AttemptsOnRecord {

    /** An attempt has one intent and one final outcome; a few more of an approved change applied again (ADR 0043). */
    private static final int EVENTS_READ = 10;

    private final AuditHistory history;

    public AttemptsOnRecord(AuditHistory history) {
        this.history = Objects.requireNonNull(history, "history");
    }

    /**
     * The intent of {@code attempt}'s change if that change may have taken effect: its intent is on record and the
     * attempt did not end {@code FAILED} (a platform change that failed after its intent did not happen, and says why;
     * an operation's own failure is the operations' to tell). Or a row of the attempt a later release wrote under a
     * name this release does not know: what it says cannot be read here, so the change may have taken effect, whatever
     * else is on record (ADR 0027, amended in session 49). Empty: the attempt never got to a change. A store that
     * cannot be read throws.
     */
    public Optional<AuditHistoryEntry> changeThatMayHaveTakenEffect(OperationId attempt) {
        List<AuditHistoryEntry> entries = history.attemptEvents(attempt.toString(), EVENTS_READ);
        Optional<AuditHistoryEntry> unreadable = entries.stream().filter(LaterReleaseEvent.class::isInstance).findFirst();
        if (unreadable.isPresent()) {
            return unreadable;
        }
        List<RecordedAuditEvent> events = entries.stream().map(RecordedAuditEvent.class::cast).toList();
        boolean failed = events.stream().anyMatch(e -> e.event().outcome().kind() == Outcome.Kind.FAILED);
        return events.stream().filter(e -> e.event().outcome().kind() == Outcome.Kind.ACCEPTED && !failed)
                .reduce((newer, older) -> older).map(AuditHistoryEntry.class::cast);
    }
}
