package org.vpsrecovery.domain.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.change.PendingChange;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;

/** Changes of the platform's own records waiting for, or moved on by, a second person (ADR 0043). */
public interface PendingChanges {

    int MAX_PAGE = 500;

    /** Stores a new change (version 0). */
    void add(PendingChange change);

    Optional<PendingChange> find(OperationId id);

    /** Writes {@code next} only over the version {@code from} was read at; false when another write came first. */
    boolean update(PendingChange from, PendingChange next);

    /** Changes in {@code state} whose next check is due by {@code dueBy}, due first, at most {@code limit} (1-{@value #MAX_PAGE}). */
    List<PendingChange> dueIn(OperationState state, Instant dueBy, int limit);

    static void requirePage(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_PAGE);
        }
    }
}
