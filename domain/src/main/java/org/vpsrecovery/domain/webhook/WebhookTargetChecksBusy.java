package org.vpsrecovery.domain.webhook;

import java.time.Duration;
import java.util.Objects;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;

/**
 * A subscription's target could not be checked now: its host's lookup waited its whole time behind other creates'
 * lookups, or behind the team's own earlier one ({@link #ofTeamsOwnChecks}), and never began. Nothing is known of the
 * host and nothing was stored; the caller may try again after {@link #retryAfter()} (ADR 0025).
 */
public final class WebhookTargetChecksBusy extends RecoveryException {

    private final Duration retryAfter;

    public WebhookTargetChecksBusy(String host, Duration retryAfter) {
        this(retryAfter, "the platform's lookups of new webhook targets are all taken, so " + host + " could not be "
                + "checked; nothing was stored: try again after Retry-After seconds");
    }

    /** The team's own earlier create's lookup still ran (a team has one at once): the others' are not what held it. */
    public static WebhookTargetChecksBusy ofTeamsOwnChecks(String host, Duration retryAfter) {
        return new WebhookTargetChecksBusy(retryAfter, "this team's earlier webhook target check is still running (a "
                + "team's checks run one at a time, one whose host lookup hangs until the resolver gives up), so " + host
                + " could not be checked; nothing was stored: try again after Retry-After seconds");
    }

    private WebhookTargetChecksBusy(Duration retryAfter, String message) {
        super(ReasonCode.WEBHOOK_TARGET_CHECKS_BUSY, message);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retry after");
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new IllegalArgumentException("retry after must be positive");
        }
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
