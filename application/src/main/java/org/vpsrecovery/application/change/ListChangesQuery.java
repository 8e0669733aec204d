package org.vpsrecovery.application.change;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.change.PendingChange;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.port.PendingChanges;

/**
 * A page of a team's changes, newest asked first (ADR 0043, amended in session 52): only those in {@code state} when
 * given (a state a change can be in), only those of {@code kind} when given (session 53), after change {@code after} (the previous page's {@code next}) when given, at most
 * {@code limit} (1-{@value PendingChanges#MAX_PAGE}).
 */
public record ListChangesQuery(TeamId team, Optional<OperationState> state, Optional<Operation> kind,
                               Optional<OperationId> after, int limit) {

    /** Of every kind (before session 53 the only list). */
    public ListChangesQuery(TeamId team, Optional<OperationState> state, Optional<OperationId> after, int limit) {
        this(team, state, Optional.empty(), after, limit);
    }

    public ListChangesQuery {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(state, "state (may be empty, not null)");
        Objects.requireNonNull(kind, "kind (may be empty, not null)");
        if (kind.isPresent() && !PendingChange.KINDS.contains(kind.get())) {
            throw new IllegalArgumentException(kind.get() + " is no change of the platform's own records");
        }
        Objects.requireNonNull(after, "after (may be empty, not null)");
        if (state.isPresent() && !PendingChange.STATES.contains(state.get())) {
            throw new IllegalArgumentException("a change is never " + state.get().wireName());
        }
        PendingChanges.requirePage(limit);
    }
}
