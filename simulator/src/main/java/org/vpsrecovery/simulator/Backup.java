package org.vpsrecovery.simulator;

import java.time.Instant;

/** A backup of a server; {@code expiresAt} is {@code null} for one that never expires. */
record Backup(long id, Server server, String type, Instant createdAt, Instant expiresAt, String description,
              CreationProgress progress) implements RecoveryPoint {

    static final String MANUAL = "manual";
    static final String AUTOMATIC = "automatic";

    boolean isManual() {
        return MANUAL.equals(type);
    }

    /** Only automatic backups expire, at {@code expires_at} itself (ADR 0003). */
    boolean isExpiredAt(Instant now) {
        return AUTOMATIC.equals(type) && expiresAt != null && !now.isBefore(expiresAt);
    }

    @Override
    public String kind() {
        return "backup";
    }
}
