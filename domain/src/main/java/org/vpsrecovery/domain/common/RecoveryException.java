package org.vpsrecovery.domain.common;

/**
 * An expected failure, named by a reason code. Only the web adapter turns these into HTTP codes.
 * Messages are built by the platform from domain data and never carry a secret.
 */
public abstract class RecoveryException extends RuntimeException {

    private final ReasonCode reason;

    protected RecoveryException(ReasonCode reason, String message) {
        this(reason, message, null);
    }

    protected RecoveryException(ReasonCode reason, String message, Throwable cause) {
        super(requireMessage(message), cause);
        this.reason = java.util.Objects.requireNonNull(reason, "reason");
    }

    private static String requireMessage(String message) {
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("a recovery failure needs a message");
        }
        return message;
    }

    public ReasonCode reason() {
        return reason;
    }
}
