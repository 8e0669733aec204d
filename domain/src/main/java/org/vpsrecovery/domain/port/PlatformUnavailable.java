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
    private final boolean attemptEndedBeforeTheProvider;

    public PlatformUnavailable(String message, Duration retryAfter, Throwable cause) {
        this(message, retryAfter, cause, false);
    }

    private PlatformUnavailable(String message, Duration retryAfter, Throwable cause, boolean attemptEndedBeforeTheProvider) {
        this(ReasonCode.PLATFORM_UNAVAILABLE, message, retryAfter, cause, attemptEndedBeforeTheProvider);
    }

    private PlatformUnavailable(ReasonCode reason, String message, Duration retryAfter, Throwable cause,
                                boolean attemptEndedBeforeTheProvider) {
        super(reason, message, cause);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retry after");
        this.attemptEndedBeforeTheProvider = attemptEndedBeforeTheProvider;
    }

    /**
     * An attempt refused at its intent, before anything was asked of VPS.org, and over: its operation, which may
     * already be stored (ADR 0084 stores it before the intent), is ended so and never called. Sending the request
     * again cannot make a second of anything (ADR 0027, amended in session 38: its Idempotency-Key is freed).
     */
    public static PlatformUnavailable attemptEndedBeforeTheProvider(String message, Duration retryAfter, Throwable cause) {
        return new PlatformUnavailable(message, retryAfter, cause, true);
    }

    /**
     * The server's lock was lost before VPS.org was called ({@link ServerLock.Hold#stillHeld()} false): another request
     * may hold it now, so the attempt ends unsent ({@code SERVER_LOCK_LOST}), as {@link #attemptEndedBeforeTheProvider}.
     */
    public static PlatformUnavailable serverLockLost(String message, Duration retryAfter) {
        return new PlatformUnavailable(ReasonCode.SERVER_LOCK_LOST, message, retryAfter, null, true);
    }

    /**
     * A change VPS.org would make, refused unsent while the instance is paused after its database was restored
     * ({@code PAUSED_AFTER_RESTORE}): nothing is stored, so its Idempotency-Key is freed as for
     * {@link #attemptEndedBeforeTheProvider} (ADR 0028, amended in session 52).
     */
    public static PlatformUnavailable pausedAfterRestore(String message, Duration retryAfter) {
        return new PlatformUnavailable(ReasonCode.PAUSED_AFTER_RESTORE, message, retryAfter, null, true);
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** See {@link #attemptEndedBeforeTheProvider(String, Duration, Throwable)}. */
    public boolean attemptEndedBeforeTheProvider() {
        return attemptEndedBeforeTheProvider;
    }
}
