package org.vpsrecovery.domain.common;

import java.util.Objects;

/** What a named policy answers: allowed, or denied with a stable reason code and a readable detail. */
public sealed interface Decision {

    Allowed ALLOWED = new Allowed();

    static Decision allow() {
        return ALLOWED;
    }

    static Decision deny(ReasonCode reason, String detail) {
        return new Denied(reason, detail);
    }

    /** Denied until {@code retryAt}, when the refusal's cause ends by itself (a restore hold's window). */
    static Decision denyUntil(ReasonCode reason, String detail, java.time.Instant retryAt) {
        return new Denied(reason, detail, java.util.Optional.of(retryAt));
    }

    default boolean isAllowed() {
        return this instanceof Allowed;
    }

    /** Combines decisions in order: the first denial wins. */
    default Decision and(java.util.function.Supplier<Decision> next) {
        return isAllowed() ? next.get() : this;
    }

    /** Throws {@link RecoveryDenied} when denied; lifecycle methods use this to refuse. */
    default void orThrow() {
        if (this instanceof Denied denied) {
            throw new RecoveryDenied(denied.reason(), denied.detail(), denied.retryAt());
        }
    }

    record Allowed() implements Decision {
    }

    /** {@code retryAt}: when the refusal ends by itself, if it does. */
    record Denied(ReasonCode reason, String detail, java.util.Optional<java.time.Instant> retryAt) implements Decision {
        public Denied(ReasonCode reason, String detail) {
            this(reason, detail, java.util.Optional.empty());
        }

        public Denied {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(retryAt, "retry at (may be empty, not null)");
            if (detail == null || detail.isBlank()) {
                throw new IllegalArgumentException("a denial needs a detail");
            }
        }
    }
}
