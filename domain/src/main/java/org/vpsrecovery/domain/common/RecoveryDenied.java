package org.vpsrecovery.domain.common;

/** A rule (a limit, a precondition, a lifecycle transition) refused the operation. */
public final class RecoveryDenied extends RecoveryException {

    public RecoveryDenied(ReasonCode reason, String message) {
        super(reason, message);
    }
}
