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
            throw new RecoveryDenied(denied.reason(), denied.detail());
        }
    }

    record Allowed() implements Decision {
    }

    record Denied(ReasonCode reason, String detail) implements Decision {
        public Denied {
            Objects.requireNonNull(reason, "reason");
            if (detail == null || detail.isBlank()) {
                throw new IllegalArgumentException("a denial needs a detail");
            }
        }
    }
}
