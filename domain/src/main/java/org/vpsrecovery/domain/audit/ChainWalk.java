package org.vpsrecovery.domain.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * Checks stored events one by one in sequence order against the chain, then against the chain
 * head. Stores feed it what they hold (the stored hashes, never recomputed ones) and stop at the
 * first break. Not thread-safe: one walk per verification.
 */
public final class ChainWalk {

    private final long startedAfter;
    private long expectedSequence;
    private ChainHash previous;

    /** A walk from the first event. */
    public ChainWalk() {
        this(0, ChainHash.GENESIS);
    }

    private ChainWalk(long startedAfter, ChainHash previous) {
        this.startedAfter = startedAfter;
        this.expectedSequence = startedAfter + 1;
        this.previous = previous;
    }

    /**
     * A walk of the events after a position known to hold {@code hash} (a checkpoint whose stored hash
     * was compared): the events up to it are vouched for by that hash, not walked again.
     */
    public static ChainWalk after(long sequence, ChainHash hash) {
        Objects.requireNonNull(hash, "hash");
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must not be negative");
        }
        return new ChainWalk(sequence, hash);
    }

    /** The first sequence this walk expects. */
    public long firstSequence() {
        return startedAfter + 1;
    }

    /** Checks the next stored event; empty while the chain holds. */
    public Optional<ChainVerification.Broken> next(long sequence, AuditEvent event, ChainHash storedPrevious,
                                                   ChainHash storedHash) {
        Objects.requireNonNull(event, "event");
        Optional<ChainVerification.Broken> broken = checkPosition(sequence, storedPrevious, storedHash);
        if (broken.isEmpty()) {
            broken = content(sequence, event, storedPrevious, storedHash);
        }
        if (broken.isEmpty()) {
            advance(storedHash);
        }
        return broken;
    }

    /**
     * The walk without the content: checks the next stored event's position and link only, and moves on
     * when they hold. The caller checks each such event's {@link #content} (it may do so in parallel,
     * since the check needs only the row) and takes the earliest break of either kind; at one sequence
     * a break found here comes first, as in {@link #next}.
     */
    public Optional<ChainVerification.Broken> link(long sequence, ChainHash storedPrevious, ChainHash storedHash) {
        Optional<ChainVerification.Broken> broken = checkPosition(sequence, storedPrevious, storedHash);
        if (broken.isEmpty()) {
            advance(storedHash);
        }
        return broken;
    }

    /** Whether the event's content still hashes, after its stored previous hash, to its stored hash. */
    public static Optional<ChainVerification.Broken> content(long sequence, AuditEvent event, ChainHash storedPrevious,
                                                             ChainHash storedHash) {
        Objects.requireNonNull(event, "event");
        ChainHash recomputed = AuditChain.link(storedPrevious, sequence, event);
        if (!recomputed.equals(storedHash)) {
            return Optional.of(new ChainVerification.Broken(sequence, ChainVerification.Fault.ALTERED_EVENT,
                    "event " + sequence + " no longer matches its stored hash"));
        }
        return Optional.empty();
    }

    /**
     * The verdict of a walk that found nothing broken but {@code events} rows, the first at {@code sequence} holding
     * {@code name}, whose position, link and hash hold over their stored parts though they hold names this release
     * does not know (a later release wrote them): not intact, since this release cannot read them, but ranked after
     * every real break, which the walk looked for past them (ADR 0005, amended twice in session 48).
     */
    public static ChainVerification.Broken writtenByALaterRelease(long sequence, String name, long events) {
        if (events < 1) {
            throw new IllegalArgumentException("at least one event holds the name");
        }
        return new ChainVerification.Broken(sequence, ChainVerification.Fault.WRITTEN_BY_A_LATER_RELEASE,
                "event " + sequence + " holds " + name + ", which this release does not know: "
                        + (events == 1 ? "it is the one event" : "it is the first of " + events + " events")
                        + " this release cannot read, whose hashes hold and link like every other event's, and nothing"
                        + " else was found broken; a release that knows the names reads them");
    }

    /** A row whose position and link held but that no longer reads as an event at all. */
    public static ChainVerification.Broken unreadableContent(long sequence, String why) {
        return new ChainVerification.Broken(sequence, ChainVerification.Fault.ALTERED_EVENT,
                "event " + sequence + " is no longer a valid audit event: " + why);
    }

    private Optional<ChainVerification.Broken> checkPosition(long sequence, ChainHash storedPrevious,
                                                             ChainHash storedHash) {
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
        return Optional.empty();
    }

    private void advance(ChainHash storedHash) {
        previous = storedHash;
        expectedSequence++;
    }

    /** A stored row that cannot even be read as an event is an altered one. */
    public ChainVerification.Broken unreadable(long sequence, String why) {
        if (sequence != expectedSequence) {
            return new ChainVerification.Broken(expectedSequence, ChainVerification.Fault.MISSING_EVENT,
                    "event " + expectedSequence + " is missing; the next stored event is " + sequence);
        }
        return unreadableContent(sequence, why);
    }

    /** After the last stored event: the head must name exactly that event and its hash. */
    public ChainVerification finish(long headSequence, ChainHash headHash) {
        Objects.requireNonNull(headHash, "head hash");
        long lastSequence = expectedSequence - 1;
        if (headSequence < startedAfter) {
            return new ChainVerification.Broken(headSequence + 1, ChainVerification.Fault.HEAD_MISMATCH,
                    "the chain head is at " + headSequence + ", below event " + startedAfter + " the walk started after");
        }
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
        return new ChainVerification.Intact(lastSequence - startedAfter, previous, 0, Optional.empty(), startedAfter);
    }
}
