package org.vpsrecovery.domain.webhook;

import java.time.Duration;
import java.util.Objects;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;

/**
 * A subscription's target could not be checked now: its host's lookup waited its whole time behind other creates'
 * lookups and never began. Nothing is known of the host and nothing was stored; the caller may try again after
 * {@link #retryAfter()} (ADR 0025).
 */
public final class WebhookTargetChecksBusy extends RecoveryException {

    private final Duration retryAfter;

    public WebhookTargetChecksBusy(String host, Duration retryAfter) {
        super(ReasonCode.WEBHOOK_TARGET_CHECKS_BUSY, "the platform's lookups of new webhook targets are all taken, so "
                + host + " could not be checked; nothing was stored: try again after Retry-After seconds");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retry after");
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retry after must be positive");
        }
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
