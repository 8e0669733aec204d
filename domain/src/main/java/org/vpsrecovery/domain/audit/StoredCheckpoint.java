package org.vpsrecovery.domain.audit;

import java.util.Objects;

/** One entry read back from where checkpoints are kept: a checkpoint, or something that no longer reads as one. */
public sealed interface StoredCheckpoint {

    record Readable(ChainCheckpoint checkpoint) implements StoredCheckpoint {
        public Readable {
            Objects.requireNonNull(checkpoint, "checkpoint");
        }
    }

    /**
     * A damaged entry (an edit, not a crash: a write torn by a crash is not an entry at all).
     * {@code after} is the sequence of the last readable checkpoint before it in the same place, 0 if
     * none: the witness is untrustworthy from there on. {@code location} says where, e.g. file and line.
     */
    record Unreadable(long after, String location, String reason) implements StoredCheckpoint {
        public Unreadable {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(reason, "reason");
            if (after < 0) {
                throw new IllegalArgumentException("after must not be negative");
            }
        }
    }
}
