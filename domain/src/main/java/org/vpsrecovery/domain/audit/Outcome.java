package org.vpsrecovery.domain.audit;

import java.util.Objects;
import org.vpsrecovery.domain.common.ReasonCode;

/**
 * What became of an attempt. {@link Accepted} is written before the provider is called (the
 * intent); {@link Completed} or {@link Failed} after. An accepted attempt with neither is pending.
 */
public sealed interface Outcome {

    enum Kind { ACCEPTED, REJECTED, FAILED, COMPLETED }

    Kind kind();

    /** The policies allowed it; the provider is about to be called. */
    record Accepted() implements Outcome {
        public Kind kind() {
            return Kind.ACCEPTED;
        }
    }

    /** The platform refused it before the provider was called. */
    record Rejected(ReasonCode reason) implements Outcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }

        public Kind kind() {
            return Kind.REJECTED;
        }
    }

    /** The provider refused it, failed, or its answer was lost. {@code cause} is platform-written text. */
    record Failed(ReasonCode reason, String cause) implements Outcome {
        public static final int MAX_CAUSE_LENGTH = 500;

        public Failed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(cause, "cause");
            if (cause.isBlank() || cause.length() > MAX_CAUSE_LENGTH) {
                throw new IllegalArgumentException("cause must be 1-" + MAX_CAUSE_LENGTH + " characters");
            }
        }

        public Kind kind() {
            return Kind.FAILED;
        }
    }

    /** The provider took it. */
    record Completed() implements Outcome {
        public Kind kind() {
            return Kind.COMPLETED;
        }
    }
}
