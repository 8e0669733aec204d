package org.vpsrecovery.domain.common;

import java.util.Objects;

/**
 * Where a snapshot's or backup's creation stands: its {@link Phase}, and the {@code label} it is
 * shown with. The provider adapter decides both from what the provider reports; a status the
 * platform does not know is {@link Phase#UNKNOWN} (never restorable, never crashed on) and keeps
 * the provider's word as its label, so that it is still shown as reported.
 */
public record CreationStatus(Phase phase, String label) {

    public enum Phase {
        IN_PROGRESS, COMPLETED, FAILED, UNKNOWN;

        /** The phase as written in audit details: lower case. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The phase a {@link #wireName()} names; {@link #UNKNOWN} for anything else. */
        public static Phase ofWireName(String name) {
            for (Phase phase : values()) {
                if (phase.wireName().equals(name)) {
                    return phase;
                }
            }
            return UNKNOWN;
        }
    }

    public static final CreationStatus IN_PROGRESS = new CreationStatus(Phase.IN_PROGRESS, "in_progress");
    public static final CreationStatus COMPLETED = new CreationStatus(Phase.COMPLETED, "completed");
    public static final CreationStatus FAILED = new CreationStatus(Phase.FAILED, "failed");
    public static final CreationStatus UNKNOWN = new CreationStatus(Phase.UNKNOWN, "unknown");

    public static final int LABEL_MAX_LENGTH = 64;

    public CreationStatus {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(label, "label");
        if (label.isBlank() || label.length() > LABEL_MAX_LENGTH) {
            throw new IllegalArgumentException("status label must be 1-" + LABEL_MAX_LENGTH + " characters");
        }
    }

    public boolean is(Phase expected) {
        return phase == expected;
    }
}
