package org.vpsrecovery.domain.audit;

import java.util.Objects;

/** The result of walking the audit chain from the first event to the chain head. */
public sealed interface ChainVerification {

    boolean isIntact();

    /** Every event is present, unchanged and linked; {@code head} is the last event's hash. */
    record Intact(long eventsChecked, ChainHash head) implements ChainVerification {
        public Intact {
            Objects.requireNonNull(head, "head");
            if (eventsChecked < 0) {
                throw new IllegalArgumentException("events checked must not be negative");
            }
        }

        @Override
        public boolean isIntact() {
            return true;
        }
    }

    /** The first position at which the chain does not hold, what is wrong there, and in words. */
    record Broken(long sequence, Fault fault, String explanation) implements ChainVerification {
        public Broken {
            Objects.requireNonNull(fault, "fault");
            Objects.requireNonNull(explanation, "explanation");
            if (sequence <= 0) {
                throw new IllegalArgumentException("sequence must be positive");
            }
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
        HEAD_MISMATCH
    }
}
