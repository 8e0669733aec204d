package org.vpsrecovery.simulator;

import java.util.Locale;

/** How a new snapshot or manual backup ends once its creation time is over. */
public enum CreationOutcome {
    /** Listed {@code completed}, with the server's disk use as {@code size_mb}. */
    COMPLETED,
    /** Listed {@code failed}, {@code size_mb} still {@code null}; it counts toward the limits until deleted. */
    FAILED,
    /** Gone from the lists without ever completing, as if the provider had dropped it. */
    VANISHED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CreationOutcome fromWire(String raw) {
        for (CreationOutcome outcome : values()) {
            if (outcome.wireName().equalsIgnoreCase(raw == null ? "" : raw.strip())) {
                return outcome;
            }
        }
        throw new IllegalArgumentException("unknown outcome \"" + raw + "\"; known: completed, failed, vanished");
    }
}
