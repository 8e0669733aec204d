package org.vpsrecovery.application.snapshot;

import java.util.Objects;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.snapshot.SnapshotId;

public record RestoreSnapshotCommand(CallContext context, SnapshotId snapshot) {

    public RestoreSnapshotCommand {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(snapshot, "snapshot");
    }
}
