package org.vpsrecovery.domain.common;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A rule (a limit, a precondition, a lifecycle transition) refused the operation. {@code retryAt}:
 * when the refusal ends by itself, if it does (a restore hold's window), so a caller can be told
 * when to come back.
 */
public final class RecoveryDenied extends RecoveryException {

    private final Optional<Instant> retryAt;

    public RecoveryDenied(ReasonCode reason, String message) {
        this(reason, message, Optional.empty());
    }

    public RecoveryDenied(ReasonCode reason, String message, Optional<Instant> retryAt) {
        super(reason, message);
        this.retryAt = Objects.requireNonNull(retryAt, "retry at (may be empty, not null)");
    }

    public Optional<Instant> retryAt() {
        return retryAt;
    }
}
