package org.vpsrecovery.application.snapshot;

import org.vpsrecovery.application.restore.RestoreAnswer;

/** Restores a server to one of the team's completed snapshots, unless the server is already restoring. */
public interface RestoreSnapshotUseCase {

    /** At once, with no safety snapshot. */
    SnapshotRestoreStarted restoreSnapshot(RestoreSnapshotCommand command);

    /**
     * A restore as requested over the API: with a safety snapshot first when the team's setting is on and
     * the caller did not skip it (ADR 0029), otherwise at once.
     */
    default RestoreAnswer<SnapshotRestoreStarted> requestRestore(RestoreSnapshotCommand command) {
        return new RestoreAnswer.Started<>(restoreSnapshot(command));
    }
}
