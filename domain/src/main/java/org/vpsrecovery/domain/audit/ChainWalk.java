package org.vpsrecovery.domain.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * Checks stored events one by one in sequence order against the chain, then against the chain
 * head. Stores feed it what they hold (the stored hashes, never recomputed ones) and stop at the
 * first break. Not thread-safe: one walk per verification.
 */
public final class ChainWalk {

    private long expectedSequence = 1;
    private ChainHash previous = ChainHash.GENESIS;

    /** Checks the next stored event; empty while the chain holds. */
    public Optional<ChainVerification.Broken> next(long sequence, AuditEvent event, ChainHash storedPrevious,
                                                   ChainHash storedHash) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(storedPrevious, "stored previous hash");
        Objects.requireNonNull(storedHash, "stored hash");
        if (sequence != expectedSequence) {
            return Optional.of(new ChainVerification.Broken(expectedSequence, ChainVerification.Fault.MISSING_EVENT,
                    "event " + expectedSequence + " is missing; the next stored event is " + sequence));
        }
        if (!storedPrevious.equals(previous)) {
            return Optional.of(new ChainVerification.Broken(sequence, ChainVerification.Fault.BROKEN_LINK,
                    "event " + sequence + " links to " + storedPrevious + " but the hash before it is " + previous));
        }
        ChainHash recomputed = AuditChain.link(previous, sequence, event);
        if (!recomputed.equals(storedHash)) {
            return Optional.of(new ChainVerification.Broken(sequence, ChainVerification.Fault.ALTERED_EVENT,
                    "event " + sequence + " no longer matches its stored hash"));
        }
        previous = storedHash;
        expectedSequence++;
        return Optional.empty();
    }

    /** A stored row that cannot even be read as an event is an altered one. */
    public ChainVerification.Broken unreadable(long sequence, String why) {
        if (sequence != expectedSequence) {
            return new ChainVerification.Broken(expectedSequence, ChainVerification.Fault.MISSING_EVENT,
                    "event " + expectedSequence + " is missing; the next stored event is " + sequence);
        }
        return new ChainVerification.Broken(sequence, ChainVerification.Fault.ALTERED_EVENT,
                "event " + sequence + " is no longer a valid audit event: " + why);
    }

    /** After the last stored event: the head must name exactly that event and its hash. */
    public ChainVerification finish(long headSequence, ChainHash headHash) {
        Objects.requireNonNull(headHash, "head hash");
        long lastSequence = expectedSequence - 1;
        if (headSequence > lastSequence) {
            return new ChainVerification.Broken(lastSequence + 1, ChainVerification.Fault.MISSING_EVENT,
                    "the chain head is at " + headSequence + " but the stored events end at " + lastSequence);
        }
        if (headSequence < lastSequence) {
            return new ChainVerification.Broken(headSequence + 1, ChainVerification.Fault.HEAD_MISMATCH,
                    "event " + (headSequence + 1) + " lies beyond the chain head at " + headSequence);
        }
        if (!headHash.equals(previous)) {
            return new ChainVerification.Broken(Math.max(1, lastSequence), ChainVerification.Fault.HEAD_MISMATCH,
                    "the chain head's hash does not match event " + lastSequence);
        }
        return new ChainVerification.Intact(lastSequence, previous);
    }
}
