package org.vpsrecovery.application.snapshot;

import java.util.Objects;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.snapshot.SnapshotId;

public record DeleteSnapshotCommand(CallContext context, SnapshotId snapshot) {

    public DeleteSnapshotCommand {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(snapshot, "snapshot");
    }
}
