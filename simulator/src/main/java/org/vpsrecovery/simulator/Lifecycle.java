package org.vpsrecovery.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the provider's work takes and how often a creation fails: a new snapshot or manual
 * backup is {@code in_progress} for a duration drawn from its range, then {@code completed}, or
 * {@code failed} for a {@code failureRate} share of them (drawn from the options' random seed);
 * a restore keeps its server {@code restoring} for a duration drawn from {@code restore} (from a snapshot) or
 * {@code backupRestore} (from a backup: VPS.org documents those as slower, with no bound).
 */
public record Lifecycle(DurationRange snapshotCreation, DurationRange backupCreation, DurationRange restore,
                        DurationRange backupRestore, double failureRate) {

    public Lifecycle {
        Objects.requireNonNull(snapshotCreation, "snapshot creation");
        Objects.requireNonNull(backupCreation, "backup creation");
        Objects.requireNonNull(restore, "restore");
        Objects.requireNonNull(backupRestore, "backup restore");
        if (!(failureRate >= 0.0 && failureRate <= 1.0)) {
            throw new IllegalArgumentException("the failure rate must be in [0, 1], was " + failureRate);
        }
    }

    public Lifecycle withCreation(DurationRange both) {
        return new Lifecycle(both, both, restore, backupRestore, failureRate);
    }

    public Lifecycle withSnapshotCreation(DurationRange range) {
        return new Lifecycle(range, backupCreation, restore, backupRestore, failureRate);
    }

    public Lifecycle withBackupCreation(DurationRange range) {
        return new Lifecycle(snapshotCreation, range, restore, backupRestore, failureRate);
    }

    /** Restores from snapshots and from backups alike. */
    public Lifecycle withRestore(DurationRange both) {
        return new Lifecycle(snapshotCreation, backupCreation, both, both, failureRate);
    }

    public Lifecycle withBackupRestore(DurationRange range) {
        return new Lifecycle(snapshotCreation, backupCreation, restore, range, failureRate);
    }

    public Lifecycle withFailureRate(double rate) {
        return new Lifecycle(snapshotCreation, backupCreation, restore, backupRestore, rate);
    }

    /** The longest a restore started now keeps its server {@code restoring}, of either kind. */
    public Duration longestRestore() {
        return restore.max().compareTo(backupRestore.max()) >= 0 ? restore.max() : backupRestore.max();
    }

    /** Long enough for every creation started now to have ended: advance the clock by this in a test. */
    public Duration longestCreation() {
        Duration snapshots = snapshotCreation.max();
        Duration backups = backupCreation.max();
        return snapshots.compareTo(backups) >= 0 ? snapshots : backups;
    }
}
