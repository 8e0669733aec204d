package org.vpsrecovery.domain.drift;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.snapshot.Snapshot;

/**
 * One recovery point as VPS.org lists it, reduced to what drift is judged on. {@code label} is a
 * snapshot's name or a backup's description: the text an unsettled create is matched by.
 */
public record ListedPoint(ResourceRef ref, boolean automatic, boolean inProgress, Instant createdAt,
                          Optional<Instant> expiresAt, String label) {

    public ListedPoint {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(createdAt, "created at");
        Objects.requireNonNull(expiresAt, "expires at (may be empty, not null)");
        Objects.requireNonNull(label, "label");
        if (automatic && ref.type() != ResourceRef.Type.BACKUP) {
            throw new IllegalArgumentException("only backups are automatic");
        }
    }

    public static ListedPoint of(Snapshot snapshot) {
        return new ListedPoint(ResourceRef.of(snapshot.id()), false, snapshot.isInProgress(), snapshot.createdAt(),
                Optional.empty(), snapshot.name());
    }

    /**
     * A backup is the provider's ({@code automatic}) when its type says so, or when its type is one VPS.org does not
     * document and it carries an {@code expires_at}: as {@link Backup#isExpiredAt} and ADR 0003 take such a backup,
     * never manual, its expiry honoured. Judged as manual it would be reported created outside.
     */
    public static ListedPoint of(Backup backup) {
        boolean providers = backup.type().is(BackupType.Kind.AUTOMATIC) || (!backup.isManual() && backup.expiresAt().isPresent());
        return new ListedPoint(ResourceRef.of(backup.id()), providers,
                backup.isInProgress(), backup.createdAt(), backup.expiresAt(), backup.description());
    }

    /** What the scan remembers of an automatic backup until the next scan. */
    public Sighting sighting() {
        return new Sighting(ref, expiresAt);
    }

    /** An automatic backup seen at the last scan: whether it is gone by the provider's retention is judged by its expiry. */
    public record Sighting(ResourceRef ref, Optional<Instant> expiresAt) {
        public Sighting {
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(expiresAt, "expires at (may be empty, not null)");
        }
    }
}
