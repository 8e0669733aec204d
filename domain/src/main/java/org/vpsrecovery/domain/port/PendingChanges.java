package org.vpsrecovery.domain.port;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.change.PendingChange;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;

/**
 * Changes of the platform's own records waiting for, or moved on by, a second person (ADR 0043). Their approval
 * steps' events are kept owed as the operations' are ({@link RecoveryOperations}, ADR 0040): marked in the step's
 * own write, cleared once the history has them.
 */
public interface PendingChanges {

    int MAX_PAGE = 500;

    /** Stores a new change (version 0), with {@code asked}'s audit event marked owed in the same write. */
    void add(PendingChange change, ApprovalStep asked);

    Optional<PendingChange> find(OperationId id);

    /** Writes {@code next} only over the version {@code from} was read at; false when another write came first. */
    boolean update(PendingChange from, PendingChange next);

    /** {@link #update}, with {@code step}'s audit event marked owed in the same write: both land, or neither. */
    boolean update(PendingChange from, PendingChange next, ApprovalStep step);

    /** Changes with approval steps whose audit events are still owed, least recently updated first; at most {@code limit}. */
    List<OwedChangeEvents> owingApprovalEvents(int limit);

    /**
     * The approval steps of change {@code id} whose events are still owed, in the order they were taken; empty when none
     * is, or no such change is stored. A decision writes its request's owed event first (ADR 0043, session 51).
     */
    List<ApprovalStep> owedApprovalSteps(OperationId id);

    /** The history has {@code step}'s event: it is no longer owed. Leaves the change's version alone. */
    void approvalEventWritten(OperationId id, ApprovalStep step);

    /** Changes in {@code state} whose next check is due by {@code dueBy}, due first, at most {@code limit} (1-{@value #MAX_PAGE}). */
    List<PendingChange> dueIn(OperationState state, Instant dueBy, int limit);

    /**
     * Team {@code team}'s changes, newest asked first (by when they were asked, then by id, both descending), only those
     * in {@code state} when given, and only those after {@code after} in that order when given (the previous page's
     * last change: its ask's instant and id place it, whatever its state now); at most {@code limit}
     * (1-{@value #MAX_PAGE}). Another team's change is never read (ADR 0043, amended in session 52).
     */
    default List<PendingChange> newestFirst(TeamId team, Optional<OperationState> state, Optional<PendingChange> after,
                                            int limit) {
        return newestFirst(team, state, Optional.empty(), after, limit);
    }

    /** As above, and only changes of {@code kind} when given (one of {@link PendingChange#KINDS}; session 53). */
    List<PendingChange> newestFirst(TeamId team, Optional<OperationState> state, Optional<Operation> kind,
                                    Optional<PendingChange> after, int limit);

    /** A change and the approval steps whose events it is owed, in the order they were taken. */
    record OwedChangeEvents(PendingChange change, List<ApprovalStep> steps) {

        public OwedChangeEvents {
            Objects.requireNonNull(change, "change");
            steps = List.copyOf(steps);
        }
    }

    static void requirePage(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_PAGE);
        }
    }
}
