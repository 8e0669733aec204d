package org.vpsrecovery.domain.port;

/**
 * The history refused a final outcome ({@link org.vpsrecovery.domain.audit.Outcome.Kind#settlesAttempt}) of an attempt
 * whose final outcome it holds already: an attempt ends once, whoever writes its end first (ADR 0142). Nothing of the
 * append that carried it was written.
 */
public final class AttemptAlreadyEnded extends RuntimeException {

    private final String attemptId;

    public AttemptAlreadyEnded(String attemptId, String message) {
        super(message);
        this.attemptId = attemptId;
    }

    /** The attempt named, where the store could tell which (empty when a batch's message does not say). */
    public String attemptId() {
        return attemptId == null ? "" : attemptId;
    }
}
