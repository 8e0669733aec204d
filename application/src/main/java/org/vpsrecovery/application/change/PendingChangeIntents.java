package org.vpsrecovery.application.change;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.application.attempt.ApprovedChanges;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.change.PendingChange;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.PendingChanges;

/**
 * The tries of pending changes (ADR 0043) still approved, for reconciliation. A change's tries are the attempts of its
 * apply, all under the change's team, request and kind: the first under the change's own id, a later one under an id
 * of its own once that attempt ended ({@link PendingChangesService}). So an intent is such a try when a change of that
 * team and request, whose id is among the attempts of its request's events (its first try's), is approved and the
 * intent is one of its own tries ({@link ChangeTries}: its own id, or naming its requester after its first try in the
 * history's order). Another team's intent, or a direct change's, under the same request id is reconciliation's
 * (ADR 0043, amended in session 49).
 */
public final class PendingChangeIntents implements ApprovedChanges {

    private final PendingChanges changes;
    private final AuditHistory history;

    public PendingChangeIntents(PendingChanges changes, AuditHistory history) {
        this.changes = Objects.requireNonNull(changes, "changes");
        this.history = Objects.requireNonNull(history, "history");
    }

    @Override
    public boolean stillApplying(RecordedAuditEvent intent) {
        AuditEvent event = intent.event();
        if (!PendingChange.KINDS.contains(event.operation()) || event.attemptId().isEmpty()) {
            return false;
        }
        List<RecordedAuditEvent> newestFirst = history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT)
                .forTeam(event.team()).forRequest(event.requestId()).withOperations(Set.of(event.operation())));
        Set<String> attempts = new LinkedHashSet<>();
        attempts.add(event.attemptId().get());
        newestFirst.forEach(recorded -> recorded.event().attemptId().ifPresent(attempts::add));
        return attempts.stream().map(PendingChangeIntents::changeId).flatMap(Optional::stream)
                .map(changes::find).flatMap(Optional::stream)
                .filter(change -> change.state() == OperationState.APPROVED && change.team().equals(event.team())
                        && change.requestId().equals(event.requestId()) && change.kind() == event.operation())
                .anyMatch(change -> ChangeTries.of(change, newestFirst).isATry(intent));
    }

    /** A change's id is an operation id; an attempt id that is none names no change. */
    private static Optional<OperationId> changeId(String attemptId) {
        try {
            return Optional.of(OperationId.parse(attemptId));
        } catch (IllegalArgumentException notAnOperationId) {
            return Optional.empty();
        }
    }
}
