package org.vpsrecovery.domain.port;

import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;

/**
 * A stored audit event no longer reads as an event (a time no event can have, a NULL where its part is required, a
 * failure without its reason...): only a change made outside the platform, past the table's guards, leaves such a
 * row. A read that meets it refuses with this rather than answering around the row or failing untyped; the chain's
 * verification names the same row {@code ALTERED_EVENT} (ADR 0005, amended in session 40).
 */
public final class AuditEventAltered extends RecoveryException {

    private final long sequence;

    /** At most this much of {@code why}: it may quote a stored value, whose length nothing bounds any more. */
    static final int MAX_WHY_LENGTH = 200;

    public AuditEventAltered(long sequence, String why) {
        super(ReasonCode.AUDIT_EVENT_ALTERED, "event " + sequence + " of the audit history is no longer a valid audit "
                + "event (" + shortened(why) + "): it was changed outside the platform; the read stopped there. Run "
                + "the chain's verification and tell the platform's operators");
        this.sequence = sequence;
    }

    private static String shortened(String why) {
        String text = why == null || why.isBlank() ? "unreadable" : why;
        return text.length() <= MAX_WHY_LENGTH ? text : text.substring(0, MAX_WHY_LENGTH) + "...";
    }

    /** The position of the row in the chain. */
    public long sequence() {
        return sequence;
    }
}
