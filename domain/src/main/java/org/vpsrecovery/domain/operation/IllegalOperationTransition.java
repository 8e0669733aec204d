package org.vpsrecovery.domain.operation;

import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;

/** A transition the operation's state does not allow: a bug or a stale view, never done silently. */
public final class IllegalOperationTransition extends RecoveryException {

    public IllegalOperationTransition(OperationId id, OperationState from, String transition) {
        super(ReasonCode.INVALID_TRANSITION, "operation " + id + " cannot go " + transition + " from " + from.wireName());
    }
}
