package org.vpsrecovery.domain.backup;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.CreationStatus.Phase;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ProviderClock;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerRef;

/**
 * A copy of a server on separate backup storage. Lifecycle: in progress, then completed or failed.
 * Automatic backups expire at {@code expiresAt}; manual ones never do. A type the platform does not
 * know keeps the provider's word as its label (see {@link BackupType}).
 */
public record Backup(BackupId id, ServerRef server, BackupType type, CreationStatus status,
                     OptionalLong sizeMb, Instant createdAt, Optional<Instant> expiresAt, String description) {

    public Backup {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(sizeMb, "size (may be empty, not null)");
        Objects.requireNonNull(createdAt, "created at");
        Objects.requireNonNull(expiresAt, "expires at (may be empty, not null)");
        Objects.requireNonNull(description, "description (may be empty, not null)");
        if (sizeMb.isPresent() && sizeMb.getAsLong() < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
    }

    public boolean isManual() {
        return type.is(BackupType.Kind.MANUAL);
    }

    public boolean isCompleted() {
        return status.is(Phase.COMPLETED);
    }

    public boolean isInProgress() {
        return status.is(Phase.IN_PROGRESS);
    }

    /**
     * Manual backups never expire, whatever {@code expiresAt} says; automatic ones do at {@code expiresAt}, on VPS.org's
     * clock: expired once that clock has certainly reached it, {@link ProviderClock#TOLERANCE} after it on ours (ADR 0003,
     * amended in session 48). For reports (what is still usable) only: a restore is not refused by it, since a backup
     * VPS.org still lists is one it still holds (ADR 0003, amended in session 49).
     */
    public boolean isExpiredAt(Instant now) {
        return !isManual() && expiresAt.map(expiry -> ProviderClock.hasCertainlyReached(expiry, now)).orElse(false);
    }

    public Backup complete(long sizeInMb) {
        requireInProgress("complete");
        return new Backup(id, server, type, CreationStatus.COMPLETED, OptionalLong.of(sizeInMb),
                createdAt, expiresAt, description);
    }

    public Backup fail() {
        requireInProgress("fail");
        return new Backup(id, server, type, CreationStatus.FAILED, sizeMb, createdAt, expiresAt, description);
    }

    /** Restores this backup onto {@code target} (any server of the same team); returns it restoring. */
    public Server restoreOnto(Server target) {
        BackupRestorePolicy.evaluate(this, target).orThrow();
        return target.beginRestore();
    }

    /** Refuses unless {@link BackupDeletionPolicy} allows deleting this backup now. */
    public void delete(Server current) {
        BackupDeletionPolicy.evaluate(this, current).orThrow();
    }

    private void requireInProgress(String transition) {
        if (!isInProgress()) {
            Decision.deny(ReasonCode.INVALID_TRANSITION, "cannot " + transition + " backup " + id
                    + " in status " + status.label()).orThrow();
        }
    }
}
