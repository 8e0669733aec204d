package org.vpsrecovery.domain.drift;

import java.util.Arrays;
import java.util.List;

/**
 * How VPS.org's recovery points differ from what the audit history says the platform did (ADR 0035).
 * The wire names are part of the public contract (the report's {@code kind}, the webhook's
 * {@code drift_kind}): add, never rename.
 */
public enum DriftKind {
    /** A snapshot or manual backup VPS.org lists that no create through the platform made. */
    CREATED_OUTSIDE("created_outside"),
    /** A point the platform made (or an automatic backup before its expiry) gone without a delete through the platform. */
    DELETED_OUTSIDE("deleted_outside"),
    /** An automatic backup gone at or after its {@code expires_at}: the provider's retention, recorded for the record. */
    AUTOMATIC_BACKUP_EXPIRED("automatic_backup_expired"),
    /** A point in progress longer than the threshold, with no open operation of the platform following it. */
    STUCK_IN_PROGRESS("stuck_in_progress");

    private final String wireName;

    DriftKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether a drift of this kind can go away (the point deleted, the creation ended); the others are facts of the past. */
    public boolean resolvable() {
        return this == CREATED_OUTSIDE || this == STUCK_IN_PROGRESS;
    }

    public static DriftKind fromWire(String name) {
        for (DriftKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown drift kind; one of " + wireNames());
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(DriftKind::wireName).toList();
    }
}
