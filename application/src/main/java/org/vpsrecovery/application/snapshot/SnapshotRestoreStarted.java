package org.vpsrecovery.application.snapshot;

import java.util.Objects;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.snapshot.Snapshot;

/** The snapshot being restored and its server as the provider reports it (normally restoring). */
public record SnapshotRestoreStarted(Snapshot snapshot, Server server) {

    public SnapshotRestoreStarted {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(server, "server");
    }
}
