package org.vpsrecovery.domain.operation;

import java.util.Objects;
import java.util.UUID;
import org.vpsrecovery.domain.common.TimeOrderedUuid;

/**
 * The platform's own id of one accepted attempt: the same value as the audit events'
 * {@code attempt_id}, handed to the caller as {@code X-Operation-Id}.
 */
public record OperationId(UUID value) {

    public OperationId {
        Objects.requireNonNull(value, "value");
    }

    /**
     * A new id: a version 7 UUID, time-ordered so that the audit's attempt indexes and the operations' key take their
     * entries at their newest end (ADR 0137); 74 random bits keep it unique.
     */
    public static OperationId random() {
        return new OperationId(TimeOrderedUuid.next());
    }

    /** Parses a caller-supplied id; refuses anything but a UUID. */
    public static OperationId parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() != 36) {
            throw new IllegalArgumentException("an operation id is a UUID");
        }
        return new OperationId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
