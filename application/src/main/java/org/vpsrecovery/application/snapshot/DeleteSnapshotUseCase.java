package org.vpsrecovery.application.snapshot;

/** Deletes one of the team's snapshots for good, unless it is still being made or its server is restoring. */
public interface DeleteSnapshotUseCase {

    void deleteSnapshot(DeleteSnapshotCommand command);
}
