package org.vpsrecovery.domain.common;

import java.util.Locale;
import java.util.Objects;

/**
 * Where a snapshot's or backup's creation stands, as the provider reports it. The provider
 * documents {@code in_progress} and {@code completed}; {@code failed} and {@code error} surely
 * exist; anything else is kept verbatim as {@link Phase#UNKNOWN} rather than crashed on.
 */
public record CreationStatus(Phase phase, String wireValue) {

    public enum Phase { IN_PROGRESS, COMPLETED, FAILED, UNKNOWN }

    public static final CreationStatus IN_PROGRESS = new CreationStatus(Phase.IN_PROGRESS, "in_progress");
    public static final CreationStatus COMPLETED = new CreationStatus(Phase.COMPLETED, "completed");
    public static final CreationStatus FAILED = new CreationStatus(Phase.FAILED, "failed");

    public CreationStatus {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(wireValue, "wire value");
        if (wireValue.isBlank() || wireValue.length() > 64) {
            throw new IllegalArgumentException("status must be 1-64 characters");
        }
    }

    /** Reads the provider's value; never fails on an unknown one. */
    public static CreationStatus fromWire(String raw) {
        if (raw == null || raw.isBlank()) {
            return new CreationStatus(Phase.UNKNOWN, "unknown");
        }
        String value = raw.strip();
        if (value.length() > 64) {
            value = value.substring(0, 64);
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "in_progress", "pending", "creating" -> new CreationStatus(Phase.IN_PROGRESS, value);
            case "completed" -> new CreationStatus(Phase.COMPLETED, value);
            case "failed", "error" -> new CreationStatus(Phase.FAILED, value);
            default -> new CreationStatus(Phase.UNKNOWN, value);
        };
    }

    public boolean is(Phase expected) {
        return phase == expected;
    }
}
