package org.vpsrecovery.application.attempt;

import java.time.Duration;
import java.util.Objects;
import org.vpsrecovery.domain.audit.Operation;

/**
 * How long the platform follows an operation at VPS.org before saying it showed no end. A restore's
 * is its window, the hold on its server: VPS.org has no server status read, so the window's end is where the platform
 * stops holding and following it, never evidence that it finished (ADR 0024, amended in session 49). A restore from a
 * backup has its own window: VPS.org documents 5-15 minutes for snapshot restores only, backup restores as slower.
 */
public record TrackingDeadlines(Duration create, Duration delete, Duration snapshotRestore, Duration backupRestore) {

    /**
     * VPS.org documents a snapshot restore as taking 5 to 15 minutes: its upper bound and a margin of 5 (session 50),
     * since a restore that outlasts its window loses its hold while VPS.org may still be restoring.
     */
    public static final Duration SNAPSHOT_RESTORE_WINDOW = Duration.ofMinutes(20);
    /**
     * VPS.org documents a backup restore only as slower than a snapshot's, and varying, with no bound: four times the
     * snapshot restore's documented upper bound (15 minutes). Too short lets the platform delete the backup being read or send a restore bound to fail; too long only
     * holds the server, which its team may release (docs/deploy.md).
     */
    public static final Duration BACKUP_RESTORE_WINDOW = Duration.ofMinutes(60);

    public static final TrackingDeadlines DEFAULTS = new TrackingDeadlines(Duration.ofMinutes(30), Duration.ofMinutes(10),
            SNAPSHOT_RESTORE_WINDOW, BACKUP_RESTORE_WINDOW);

    public TrackingDeadlines {
        for (Duration d : new Duration[] {create, delete, snapshotRestore, backupRestore}) {
            Objects.requireNonNull(d, "deadline");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("tracking deadlines must be positive");
            }
        }
    }

    public Duration of(Operation operation) {
        return switch (operation) {
            case CREATE_SNAPSHOT, CREATE_MANUAL_BACKUP -> create;
            case DELETE_SNAPSHOT, DELETE_BACKUP -> delete;
            case RESTORE_SNAPSHOT -> snapshotRestore;
            case RESTORE_SERVER_FROM_BACKUP -> backupRestore;
            // The platform's own change: nothing to follow at VPS.org.
            case RELEASE_RESTORE_HOLD, PLACE_RECOVERY_POINT_HOLD, RELEASE_RECOVERY_POINT_HOLD ->
                    throw new IllegalArgumentException("the platform's own change " + operation + " is not followed at VPS.org");
            // A policy's own records (ADR 0028): never an operation at VPS.org.
            case CREATE_POLICY, UPDATE_POLICY, DELETE_POLICY, PLAN_POLICY, DRIFT_DETECTED, DRIFT_RESOLVED, AUDIT_READ,
                 REQUEST_APPROVAL, APPROVE_OPERATION, DENY_OPERATION, EXPIRE_APPROVAL ->
                    throw new IllegalArgumentException(operation + " is not followed at VPS.org");
        };
    }
}
