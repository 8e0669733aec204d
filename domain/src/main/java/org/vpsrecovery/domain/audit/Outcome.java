package org.vpsrecovery.domain.audit;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.common.ReasonCode;

/**
 * What became of an attempt. {@link Accepted} is written before the provider is called (the
 * intent); then {@link Completed}, {@link Failed} or {@link Unverifiable} settle it. An accepted
 * attempt with none of those is pending, and {@link Unresolved} says so out loud: the provider's
 * answer was lost, and what happened is established later by looking at the provider. Nothing
 * writes a final outcome that is not established.
 */
public sealed interface Outcome {

    enum Kind {
        ACCEPTED, REJECTED, FAILED, COMPLETED, UNRESOLVED, UNVERIFIABLE, SUBMITTED,
        /** A dry run: what the action would do was answered; nothing was changed (ADR 0029). */
        PLANNED;

        /** Whether an event of this kind settles an accepted attempt for good. */
        public boolean settlesAttempt() {
            return this == FAILED || this == COMPLETED || this == UNVERIFIABLE;
        }

        /** Whether an event of this kind carries a reason code: a rejection and the {@link Explained} kinds do. */
        public boolean hasReason() {
            return this == REJECTED || hasCause();
        }

        /** Whether an event of this kind carries platform-written text saying why: the {@link Explained} kinds do. */
        public boolean hasCause() {
            return this == FAILED || this == UNRESOLVED || this == UNVERIFIABLE;
        }

        /**
         * The one rule of which reason an event of this kind has: a kind that carries a reason code always has one,
         * any other never does. Checked wherever stored parts are read back ({@link Outcome#of} for an event, a
         * summary's groups of events, which hold no cause), so that no read takes for an event what another refuses.
         *
         * @throws IllegalArgumentException when no event of this kind has {@code reason}
         */
        public void requireReason(Optional<ReasonCode> reason) {
            if (reason.isPresent() && !hasReason()) {
                throw new IllegalArgumentException("an outcome " + this + " has no reason code");
            }
            if (reason.isEmpty() && hasReason()) {
                throw new IllegalArgumentException("no reason code, which an outcome " + this + " has");
            }
        }
    }

    int MAX_CAUSE_LENGTH = 500;

    Kind kind();

    /** The reason code, for the kinds that carry one. */
    default Optional<ReasonCode> reasonCode() {
        return Optional.empty();
    }

    /** Platform-written text saying why, for the kinds that carry one. */
    default Optional<String> explanation() {
        return Optional.empty();
    }

    /** The outcomes that carry a reason code and platform-written text saying why. */
    sealed interface Explained extends Outcome permits Failed, Unresolved, Unverifiable {
        ReasonCode reason();

        String cause();

        @Override
        default Optional<ReasonCode> reasonCode() {
            return Optional.of(reason());
        }

        @Override
        default Optional<String> explanation() {
            return Optional.of(cause());
        }
    }

    /** The policies allowed it; the provider is about to be called. */
    record Accepted() implements Outcome {
        public Kind kind() {
            return Kind.ACCEPTED;
        }
    }

    /**
     * A dry run (ADR 0029): the caller was told what the action would do, and nothing was done. Neither
     * an intent nor a settlement; whether the plan allowed it is in the event's detail.
     */
    record Planned() implements Outcome {
        public Kind kind() {
            return Kind.PLANNED;
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

        @Override
        public Optional<ReasonCode> reasonCode() {
            return Optional.of(reason);
        }
    }

    /** It did not happen: the provider refused or failed it, or the provider shows it was not done. */
    record Failed(ReasonCode reason, String cause) implements Explained {
        public static final int MAX_CAUSE_LENGTH = Outcome.MAX_CAUSE_LENGTH;

        public Failed {
            requireExplained(reason, cause);
        }

        public Kind kind() {
            return Kind.FAILED;
        }
    }

    /**
     * VPS.org took it (its answer's status is in the event's detail); not final: the platform follows
     * it to its end ({@code COMPLETED}, {@code FAILED} or {@code UNVERIFIABLE}).
     */
    record Submitted() implements Outcome {
        public Kind kind() {
            return Kind.SUBMITTED;
        }
    }

    /**
     * Established at VPS.org: the recovery point reached {@code completed}, the deleted one is gone
     * from its list. Never a restore's: VPS.org shows nothing of a server, so its window's end is unverifiable (ADR 0024,
     * amended in session 49; restores' events written before recorded that end so). (Events written before attempt ids
     * existed used it for "VPS.org took it": ADR 0024.)
     */
    record Completed() implements Outcome {
        public Kind kind() {
            return Kind.COMPLETED;
        }
    }

    /**
     * The provider's answer was lost (timeout, dropped connection, gateway error, unreadable answer):
     * it may or may not have acted. Not final: reconciliation looks at the provider and settles it.
     */
    record Unresolved(ReasonCode reason, String cause) implements Explained {
        public Unresolved {
            requireExplained(reason, cause);
        }

        public Kind kind() {
            return Kind.UNRESOLVED;
        }
    }

    /**
     * Final, and honest about it: the provider offers no read that can establish what happened (a
     * restore whose answer was lost: VPS.org has no server status read). {@code cause} says what was
     * looked at and when the platform stopped waiting.
     */
    record Unverifiable(ReasonCode reason, String cause) implements Explained {
        public Unverifiable {
            requireExplained(reason, cause);
        }

        public Kind kind() {
            return Kind.UNVERIFIABLE;
        }
    }

    /**
     * Rebuilds an outcome from its stored parts (kind, reason code, cause); {@link IllegalArgumentException} for a part
     * its kind does not have: a stored row that carries one was changed, and must not read as the event it hashed as.
     */
    static Outcome of(Kind kind, Optional<ReasonCode> reason, Optional<String> cause) {
        kind.requireReason(reason);
        if (cause.isPresent() && !kind.hasCause()) {
            throw new IllegalArgumentException("an outcome " + kind + " has no cause");
        }
        return switch (kind) {
            case ACCEPTED -> new Accepted();
            case COMPLETED -> new Completed();
            case SUBMITTED -> new Submitted();
            case PLANNED -> new Planned();
            case REJECTED -> new Rejected(reason.orElseThrow());
            case FAILED -> new Failed(reason.orElseThrow(), cause.orElse(null));
            case UNRESOLVED -> new Unresolved(reason.orElseThrow(), cause.orElse(null));
            case UNVERIFIABLE -> new Unverifiable(reason.orElseThrow(), cause.orElse(null));
        };
    }

    private static void requireExplained(ReasonCode reason, String cause) {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(cause, "cause");
        if (cause.isBlank() || cause.length() > MAX_CAUSE_LENGTH) {
            throw new IllegalArgumentException("cause must be 1-" + MAX_CAUSE_LENGTH + " characters");
        }
    }
}
