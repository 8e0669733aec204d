package org.vpsrecovery.application.operation;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;

/**
 * A page of operations, newest first (ADR 0024, amended in session 52): only {@code server}'s and only those in
 * {@code state} when given, after operation {@code after} (the previous page's {@code next}) when given, at most
 * {@code limit} (1-{@value RecoveryOperations#MAX_PAGE}).
 */
public record ListOperationsQuery(Optional<ServerId> server, Optional<OperationState> state, Optional<OperationId> after,
                                  int limit) {

    public ListOperationsQuery {
        Objects.requireNonNull(server, "server (may be empty, not null)");
        Objects.requireNonNull(state, "state (may be empty, not null)");
        Objects.requireNonNull(after, "after (may be empty, not null)");
        RecoveryOperations.requirePage(limit);
    }
}
