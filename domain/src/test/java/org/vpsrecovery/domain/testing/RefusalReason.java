package org.vpsrecovery.domain.testing;

import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;

/** The reason a transition is refused with ({@link RecoveryDenied}); a transition that is not refused fails the test. */
public final class RefusalReason {

    private RefusalReason() {
    }

    public static ReasonCode of(Runnable transition) {
        try {
            transition.run();
        } catch (RecoveryDenied denied) {
            return denied.reason();
        }
        throw new AssertionError("the transition was not refused");
    }
}
