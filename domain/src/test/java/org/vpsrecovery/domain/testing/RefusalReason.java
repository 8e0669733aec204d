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
        try {
            action.run();
        } catch (RecoveryException refused) {
            return refused.reason();
        }
        throw new AssertionError("not refused");
    }

    /** Refused as a {@link RecoveryDenied} only: the domain's own refusal of a transition. */
    public static ReasonCode ofDenied(Runnable transition) {
        try {
            transition.run();
        } catch (RecoveryDenied denied) {
            return denied.reason();
        }
        throw new AssertionError("the transition was not refused");
    }
}
