package org.vpsrecovery.domain.port;

import java.time.Duration;
import java.util.Objects;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;

/**
 * The platform cannot take the request now (its database is saturated or unreachable) and did
 * nothing: in particular, the provider was not called. The caller may retry after {@link #retryAfter()}.
 */
public final class PlatformUnavailable extends RecoveryException {

    private final Duration retryAfter;

    public PlatformUnavailable(String message, Duration retryAfter, Throwable cause) {
        super(ReasonCode.PLATFORM_UNAVAILABLE, message, cause);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retry after");
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
