package org.vpsrecovery.application.snapshot;

/** Restores a server to one of the team's completed snapshots, unless the server is already restoring. */
public interface RestoreSnapshotUseCase {

    SnapshotRestoreStarted restoreSnapshot(RestoreSnapshotCommand command);
}
