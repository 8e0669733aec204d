package org.vpsrecovery.application.snapshot;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotName;

public record CreateSnapshotCommand(CallContext context, ServerId server, SnapshotName name,
                                    Optional<Description> description) {

    public CreateSnapshotCommand {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description (may be empty, not null)");
    }
}
