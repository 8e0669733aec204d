package org.vpsrecovery.application.change;

import java.util.LinkedHashSet;
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
 * apply, all under the change's request and of its kind: the first under the change's own id, a later one under an id
 * of its own once that attempt ended ({@link PendingChangesService}). So an intent is such a try when one of the
 * attempts among its request's events of its operation is a change of that request, and that change is approved.
 */
public final class PendingChangeIntents implements ApprovedChanges {

    private final PendingChanges changes;
    private final AuditHistory history;

    public PendingChangeIntents(PendingChanges changes, AuditHistory history) {
        this.changes = Objects.requireNonNull(changes, "changes");
        this.history = Objects.requireNonNull(history, "history");
    }

    @Override
    public boolean stillApplying(AuditEvent intent) {
        if (!PendingChange.KINDS.contains(intent.operation()) || intent.attemptId().isEmpty()) {
            return false;
        }
        Set<String> attempts = new LinkedHashSet<>();
        attempts.add(intent.attemptId().get());
        history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT).forRequest(intent.requestId())
                        .withOperations(Set.of(intent.operation()))).stream()
                .map(RecordedAuditEvent::event)
                .forEach(event -> event.attemptId().ifPresent(attempts::add));
        return attempts.stream().map(PendingChangeIntents::changeId).flatMap(Optional::stream)
                .map(changes::find).flatMap(Optional::stream)
                .anyMatch(change -> change.state() == OperationState.APPROVED
                        && change.requestId().equals(intent.requestId()) && change.kind() == intent.operation());
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
