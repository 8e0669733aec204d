package org.vpsrecovery.domain.common;

/** The caller's role may not read or do this, whatever the resource. */
public final class AccessDenied extends RecoveryException {

    public AccessDenied(String message) {
        super(ReasonCode.FORBIDDEN_FOR_ROLE, message);
    }

    /** A refusal of this caller with a more precise reason (a team releasing a legal hold). */
    public AccessDenied(ReasonCode reason, String message) {
        super(reason, message);
    }
}
