package org.vpsrecovery.application.snapshot;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.policy.PolicyVersion;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** {@code byPolicy}: the policy version whose rotation or retention asks for the delete, named in its events. */
public record DeleteSnapshotCommand(CallContext context, SnapshotId snapshot, Optional<PolicyVersion> byPolicy) {

    public DeleteSnapshotCommand {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(byPolicy, "by policy (may be empty, not null)");
    }

    /** A delete asked by a team (no policy). */
    public DeleteSnapshotCommand(CallContext context, SnapshotId snapshot) {
        this(context, snapshot, Optional.empty());
    }
}
