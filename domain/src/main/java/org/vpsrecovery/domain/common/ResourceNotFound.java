package org.vpsrecovery.domain.common;

/** The server, snapshot or backup does not exist, or belongs to another team (told apart nowhere). */
public final class ResourceNotFound extends RecoveryException {

    public ResourceNotFound(ReasonCode reason, String message) {
        super(reason, message);
        if (reason != ReasonCode.SERVER_NOT_FOUND && reason != ReasonCode.SNAPSHOT_NOT_FOUND
                && reason != ReasonCode.BACKUP_NOT_FOUND && reason != ReasonCode.OPERATION_NOT_FOUND
                && reason != ReasonCode.WEBHOOK_NOT_FOUND
                && reason != ReasonCode.HOLD_NOT_FOUND
                && reason != ReasonCode.POLICY_NOT_FOUND) {
            throw new IllegalArgumentException("not a not-found reason: " + reason);
        }
    }
}
