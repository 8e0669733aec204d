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
        this("this instance already runs " + concurrent
                + " long audit reads (exports, summaries, chain walks, recoverability reports), as many as it allows", retryAfter);
    }

    /** The reader's own share is taken: its other long reads must end first. */
    public static AuditReadsBusy readersShare(int perReader, Duration retryAfter) {
        return new AuditReadsBusy("you already run " + perReader + " long audit reads (exports, summaries, chain walks, "
                + "recoverability reports) on this instance, as many as one reader may; one must end first", retryAfter);
    }

    private AuditReadsBusy(String detail, Duration retryAfter) {
        super(ReasonCode.AUDIT_READS_BUSY, detail);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retry after");
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retry after must be positive");
        }
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
