package org.vpsrecovery.domain.report;

import java.time.Duration;
import java.util.Objects;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;

/**
 * The instance's share of the database for long audit reads is taken, and stayed taken for as long as
 * a reader may wait; nothing was read. The reader may try again after {@link #retryAfter()}.
 */
public final class AuditReadsBusy extends RecoveryException {

    private final Duration retryAfter;

    public AuditReadsBusy(int concurrent, Duration retryAfter) {
        super(ReasonCode.AUDIT_READS_BUSY, "this instance already runs " + concurrent
                + " long audit reads (exports, summaries, chain walks, recoverability reports), as many as it allows");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retry after");
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retry after must be positive");
        }
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
