package org.vpsrecovery.application.snapshot;

import java.util.Objects;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** {@code skipSafetySnapshot}: the caller asked to restore without a safety snapshot (audited, ADR 0029). */
public record RestoreSnapshotCommand(CallContext context, SnapshotId snapshot, boolean skipSafetySnapshot) {

    public RestoreSnapshotCommand {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(snapshot, "snapshot");
    }

    public RestoreSnapshotCommand(CallContext context, SnapshotId snapshot) {
        this(context, snapshot, false);
    }
}
