package org.vpsrecovery.application.snapshot;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.server.ServerId;

public record ListSnapshotsQuery(CallContext context, Optional<ServerId> server) {

    public ListSnapshotsQuery {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(server, "server (may be empty, not null)");
    }
}
