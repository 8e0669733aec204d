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
    private final boolean readersOwnPages;

    public AuditReadsBusy(int concurrent, Duration retryAfter) {
        this("this instance already runs " + concurrent
                + " long audit reads (exports, summaries, chain walks, recoverability reports), as many as it allows",
                retryAfter, false);
    }

    /** Every slot for pages of events is taken on this instance (session 56): a page is never queued for one. */
    public static AuditReadsBusy pagesInAll(int concurrent, Duration retryAfter) {
        return new AuditReadsBusy("this instance already reads " + concurrent
                + " pages of audit events at once, as many as it allows", retryAfter, false);
    }

    /** The reader's own pages of events fill its share (session 56): a refusal of that reader alone, a 429. */
    public static AuditReadsBusy readersPages(int perReader, Duration retryAfter) {
        return new AuditReadsBusy("you already read " + perReader + " pages of audit events at once on this instance, "
                + "as many as one reader may; one must end first", retryAfter, true);
    }

    /** The reader's own share is taken: its other long reads must end first. */
    public static AuditReadsBusy readersShare(int perReader, Duration retryAfter) {
        return new AuditReadsBusy("you already run " + perReader + " long audit reads (exports, summaries, chain walks, "
                + "recoverability reports) on this instance, as many as one reader may; one must end first", retryAfter, false);
    }

    private AuditReadsBusy(String detail, Duration retryAfter, boolean readersOwnPages) {
        super(ReasonCode.AUDIT_READS_BUSY, detail);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retry after");
        this.readersOwnPages = readersOwnPages;
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retry after must be positive");
        }
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** The reader's own share of pages is taken (its own load, answered 429), not the instance's. */
    public boolean readersOwnPages() {
        return readersOwnPages;
    }
}
