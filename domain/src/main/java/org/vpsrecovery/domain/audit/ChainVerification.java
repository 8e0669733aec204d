package org.vpsrecovery.domain.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of walking the audit chain from the first event to the chain head, and of comparing
 * it with the signed checkpoints kept outside the database ({@link CheckpointCheck}).
 */
public sealed interface ChainVerification {

    boolean isIntact();

    /** How many checkpoints (readable or not) the chain was compared with; 0 when none were. */
    long checkpointsChecked();

    /**
     * Every event walked is present, unchanged and linked, and every checkpoint is genuine and in the
     * chain; {@code head} is the last event's hash; {@code latestCheckpoint} the one with the highest
     * sequence. {@code walkedAfter} is 0 for a walk from the first event, else the checkpoint's sequence
     * the walk started after (the events up to it vouched for by its hash, ADR 0046). {@code cutAt}: the checkpoint
     * that says the chain was cut when the database went back ({@link ChainCheckpoint#cut()}, ADR 0022, amended in
     * session 51), the checkpoints before the cut set aside.
     */
    record Intact(long eventsChecked, ChainHash head, long checkpointsChecked,
                  Optional<ChainCheckpoint> latestCheckpoint, long walkedAfter, Optional<ChainCheckpoint> cutAt)
            implements ChainVerification {
        public Intact {
            Objects.requireNonNull(head, "head");
            Objects.requireNonNull(latestCheckpoint, "latest checkpoint");
            Objects.requireNonNull(cutAt, "cut at");
            if (cutAt.isPresent() && cutAt.get().cut().isEmpty()) {
                throw new IllegalArgumentException("a cut is stated by a checkpoint that names one");
            }
            if (eventsChecked < 0 || checkpointsChecked < 0 || walkedAfter < 0) {
                throw new IllegalArgumentException("counts must not be negative");
            }
        }

        /** No cut stated. */
        public Intact(long eventsChecked, ChainHash head, long checkpointsChecked,
                      Optional<ChainCheckpoint> latestCheckpoint, long walkedAfter) {
            this(eventsChecked, head, checkpointsChecked, latestCheckpoint, walkedAfter, Optional.empty());
        }

        /** A walk from the first event. */
        public Intact(long eventsChecked, ChainHash head, long checkpointsChecked,
                      Optional<ChainCheckpoint> latestCheckpoint) {
            this(eventsChecked, head, checkpointsChecked, latestCheckpoint, 0);
        }

        /** The last event's sequence. */
        public long lastSequence() {
            return walkedAfter + eventsChecked;
        }

        /** The walk alone, before any checkpoint is compared. */
        public Intact(long eventsChecked, ChainHash head) {
            this(eventsChecked, head, 0, Optional.empty());
        }

        @Override
        public boolean isIntact() {
            return true;
        }
    }

    /**
     * The first position at which the chain does not hold, what is wrong there, and in words. {@code cutAt}: as for
     * {@link Intact}, the checkpoint that says the chain was cut when the database went back; a break does not undo the
     * cut, and the cut may explain it (ADR 0022, amended in session 52).
     */
    record Broken(long sequence, Fault fault, String explanation, long checkpointsChecked,
                  Optional<ChainCheckpoint> cutAt) implements ChainVerification {
        public Broken {
            Objects.requireNonNull(fault, "fault");
            Objects.requireNonNull(explanation, "explanation");
            Objects.requireNonNull(cutAt, "cut at");
            if (cutAt.isPresent() && cutAt.get().cut().isEmpty()) {
                throw new IllegalArgumentException("a cut is stated by a checkpoint that names one");
            }
            if (sequence <= 0) {
                throw new IllegalArgumentException("sequence must be positive");
            }
            if (checkpointsChecked < 0) {
                throw new IllegalArgumentException("checkpoints checked must not be negative");
            }
        }

        /** No cut stated. */
        public Broken(long sequence, Fault fault, String explanation, long checkpointsChecked) {
            this(sequence, fault, explanation, checkpointsChecked, Optional.empty());
        }

        /** The walk alone, before any checkpoint is compared. */
        public Broken(long sequence, Fault fault, String explanation) {
            this(sequence, fault, explanation, 0);
        }

        @Override
        public boolean isIntact() {
            return false;
        }
    }

    enum Fault {
        /** No event at this position, though later ones or the chain head say there was one. */
        MISSING_EVENT,
        /** The event's content no longer hashes to its stored hash. */
        ALTERED_EVENT,
        /** The event's stored previous hash is not the hash of the event before it. */
        BROKEN_LINK,
        /** The chain head (last position and hash) does not match the last event. */
        HEAD_MISMATCH,
        /** Events a signed checkpoint witnessed are no longer stored: the chain was cut back, head and all. */
        TRUNCATED,
        /** The event at a signed checkpoint's position has another hash: history up to it was rewritten. */
        REWRITTEN,
        /** A checkpoint not signed by a trusted key, or an entry that no longer reads as a checkpoint. */
        FORGED_CHECKPOINT,
        /**
         * Nothing else was found broken, but events from this sequence on hold names (an operation, an outcome, a
         * reason) this release does not know, their hashes holding and linking over their stored parts like every
         * event's: a later release wrote them, or anyone who can write the database and rehash one row. Not intact, as
         * this release cannot read them; any other break, and any checkpoint's finding, is reported ahead of it; a
         * release that knows the names reads them (ADR 0005, amended twice in session 48).
         */
        WRITTEN_BY_A_LATER_RELEASE
    }
}
