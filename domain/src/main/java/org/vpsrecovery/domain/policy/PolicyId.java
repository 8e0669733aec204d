package org.vpsrecovery.domain.policy;

import java.util.Objects;
import java.util.UUID;
import org.vpsrecovery.domain.operation.OperationId;

/** A recovery policy's id. */
public record PolicyId(UUID value) {

    public PolicyId {
        Objects.requireNonNull(value, "value");
    }

    public static PolicyId random() {
        return new PolicyId(UUID.randomUUID());
    }

    /**
     * The id of the policy a request creates: the request's own operation id, so a retry of a request interrupted after
     * the policy was stored finds it (ADR 0027).
     */
    public static PolicyId createdBy(OperationId request) {
        return new PolicyId(Objects.requireNonNull(request, "request").value());
    }

    /** Parses a caller-supplied id; refuses anything but a UUID. */
    public static PolicyId parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() != 36) {
            throw new IllegalArgumentException("a policy id is a UUID");
        }
        return new PolicyId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
