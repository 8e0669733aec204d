package org.vpsrecovery.domain.snapshot;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.CreationStatus.Phase;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerRef;

/**
 * A point-in-time copy of a whole server. Lifecycle: in progress, then completed or failed; a
 * completed snapshot can be restored onto its server and deleted. Name and description are kept as
 * the provider reports them (they may predate the platform's input rules).
 */
public record Snapshot(SnapshotId id, ServerRef server, String name, CreationStatus status,
                       OptionalLong sizeMb, Instant createdAt, String description) {

    public Snapshot {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(sizeMb, "size (may be empty, not null)");
        Objects.requireNonNull(createdAt, "created at");
        Objects.requireNonNull(description, "description (may be empty, not null)");
        if (sizeMb.isPresent() && sizeMb.getAsLong() < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
    }

    public boolean isCompleted() {
        return status.is(Phase.COMPLETED);
    }

    public boolean isInProgress() {
        return status.is(Phase.IN_PROGRESS);
    }

    public Snapshot complete(long sizeInMb) {
        requireInProgress("complete");
        return new Snapshot(id, server, name, CreationStatus.COMPLETED, OptionalLong.of(sizeInMb), createdAt, description);
    }

    public Snapshot fail() {
        requireInProgress("fail");
        return new Snapshot(id, server, name, CreationStatus.FAILED, sizeMb, createdAt, description);
    }

    /** Restores this snapshot onto its server; returns the server, now restoring. */
    public Server restoreOnto(Server target) {
        SnapshotRestorePolicy.evaluate(this, target).orThrow();
        return target.beginRestore();
    }

    /** Refuses unless {@link SnapshotDeletionPolicy} allows deleting this snapshot now. */
    public void delete(Server current) {
        SnapshotDeletionPolicy.evaluate(this, current).orThrow();
    }

    private void requireInProgress(String transition) {
        if (!isInProgress()) {
            Decision.deny(ReasonCode.INVALID_TRANSITION, "cannot " + transition + " snapshot " + id
                    + " in status " + status.label()).orThrow();
        }
    }
}
