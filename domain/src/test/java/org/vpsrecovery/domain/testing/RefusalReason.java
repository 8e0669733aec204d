package org.vpsrecovery.domain.testing;

import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RecoveryException;

/** The reason an action is refused with; an action that is not refused so fails the test. */
public final class RefusalReason {

    private RefusalReason() {
    }

    /** Refused by any {@link RecoveryException} (denied, not found, busy, ...). */
    public static ReasonCode of(Runnable action) {
        return reason(action, RecoveryException.class, "not refused");
    }

    /** Refused as a {@link RecoveryDenied} only: the domain's own refusal of a transition. */
    public static ReasonCode ofDenied(Runnable transition) {
        return reason(transition, RecoveryDenied.class, "the transition was not refused");
    }

    /** Any other exception, of {@code refusal}'s kind or not, is the test's failure as it is. */
    private static ReasonCode reason(Runnable action, Class<? extends RecoveryException> refusal, String notRefused) {
        try {
            action.run();
        } catch (RecoveryException refused) {
            if (refusal.isInstance(refused)) {
                return refused.reason();
            }
            throw refused;
        }
        throw new AssertionError(notRefused);
    }
}
