package org.vpsrecovery.domain.backup;

import java.util.Locale;
import java.util.Optional;

/** {@code manual} (made on request, never expires) or {@code automatic} (scheduled, expires). */
public enum BackupType {
    MANUAL("manual"),
    AUTOMATIC("automatic");

    private final String wireValue;

    BackupType(String wireValue) {
        this.wireValue = wireValue;
    }

    public String wireValue() {
        return wireValue;
    }

    /** Empty for a value the provider does not document: such a backup never counts as manual. */
    public static Optional<BackupType> fromWire(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        return switch (raw.strip().toLowerCase(Locale.ROOT)) {
            case "manual" -> Optional.of(MANUAL);
            case "automatic" -> Optional.of(AUTOMATIC);
            default -> Optional.empty();
        };
    }
}
