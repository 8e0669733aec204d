package org.vpsrecovery.domain.port;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;

/**
 * The provider could not do what was asked, in one of a few known ways. Thrown by the provider
 * ports; the message is written by the adapter and never carries the provider token.
 */
public final class ProviderFailure extends RecoveryException {

    public enum Kind {
        /** 400: invalid parameters or a state the provider refuses. */
        REJECTED(ReasonCode.PROVIDER_REJECTED),
        /** 400 that the provider's body says is a limit. */
        LIMIT_REACHED(ReasonCode.PROVIDER_LIMIT_REACHED),
        /** 404. */
        NOT_FOUND(ReasonCode.PROVIDER_NOT_FOUND),
        /** 401/403: the platform's own credentials are wrong, an operator problem. */
        UNAUTHORIZED(ReasonCode.PROVIDER_UNAUTHORIZED),
        /** 429. */
        RATE_LIMITED(ReasonCode.PROVIDER_RATE_LIMITED),
        /** 5xx, connection refused, circuit open. */
        UNAVAILABLE(ReasonCode.PROVIDER_UNAVAILABLE),
        /** A safe call (a read) timed out. */
        TIMEOUT(ReasonCode.PROVIDER_TIMEOUT),
        /** A create, restore or delete whose answer was lost: it may or may not have happened. */
        OUTCOME_UNKNOWN(ReasonCode.OUTCOME_UNKNOWN),
        /** An answer the adapter could not read. */
        MALFORMED_RESPONSE(ReasonCode.PROVIDER_MALFORMED_RESPONSE);

        private final ReasonCode reason;

        Kind(ReasonCode reason) {
            this.reason = reason;
        }

        public ReasonCode reason() {
            return reason;
        }
    }

    private final Kind kind;
    private final Integer httpStatus;
    private final Duration retryAfter;

    public ProviderFailure(Kind kind, String message, OptionalInt httpStatus, Optional<Duration> retryAfter,
                           Throwable cause) {
        super(Objects.requireNonNull(kind, "kind").reason(), message, cause);
        this.kind = kind;
        this.httpStatus = httpStatus.isPresent() ? httpStatus.getAsInt() : null;
        this.retryAfter = retryAfter.orElse(null);
    }

    public ProviderFailure(Kind kind, String message) {
        this(kind, message, OptionalInt.empty(), Optional.empty(), null);
    }

    public Kind kind() {
        return kind;
    }

    /** Whether the provider may have acted although no answer says so; only looking at it settles that. */
    public boolean outcomeUnknown() {
        return kind == Kind.OUTCOME_UNKNOWN;
    }

    public OptionalInt httpStatus() {
        return httpStatus == null ? OptionalInt.empty() : OptionalInt.of(httpStatus);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
