package org.vpsrecovery.adapters.http.facade;

import java.util.Objects;

/** Input the facade refuses before it reaches a use case: answered 400 problem+json, nothing changed. */
public final class InvalidRequest extends RuntimeException {

    private final RequestReason reason;
    private final String field;

    public InvalidRequest(RequestReason reason, String field, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.field = field;
    }

    public RequestReason reason() {
        return reason;
    }

    public String field() {
        return field;
    }
}
