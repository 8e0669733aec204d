package org.vpsrecovery.domain.backup;

import java.util.Objects;

/**
 * A backup's type: its {@link Kind} ({@code MANUAL}: made on request, never expires;
 * {@code AUTOMATIC}: scheduled, expires) and the {@code label} it is shown with. The provider
 * adapter decides both from what the provider reports; a type the platform does not know is
 * {@link Kind#UNKNOWN} (never counted as manual) and keeps the provider's word as
 * its label, so that it is still shown as reported.
 */
public record BackupType(Kind kind, String label) {

    public enum Kind { MANUAL, AUTOMATIC, UNKNOWN }

    public static final BackupType MANUAL = new BackupType(Kind.MANUAL, "manual");
    public static final BackupType AUTOMATIC = new BackupType(Kind.AUTOMATIC, "automatic");
    public static final BackupType UNKNOWN = new BackupType(Kind.UNKNOWN, "unknown");

    public static final int LABEL_MAX_LENGTH = 64;

    public BackupType {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(label, "label");
        if (label.isBlank() || label.length() > LABEL_MAX_LENGTH) {
            throw new IllegalArgumentException("backup type label must be 1-" + LABEL_MAX_LENGTH + " characters");
        }
    }

    public boolean is(Kind expected) {
        return kind == expected;
    }
}
