package org.vpsrecovery.application.snapshot;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotName;

/**
 * {@code safetySnapshotOf}: the restore this snapshot is the safety snapshot of, set by that restore alone (never from a
 * request): it is made while that restore holds the server, before VPS.org is asked to restore (ADR 0003, session 49).
 */
public record CreateSnapshotCommand(CallContext context, ServerId server, SnapshotName name,
                                    Optional<Description> description, Optional<OperationId> safetySnapshotOf) {

    public CreateSnapshotCommand {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description (may be empty, not null)");
        Objects.requireNonNull(safetySnapshotOf, "restore whose safety snapshot it is (may be empty, not null)");
    }

    /** A person's or a job's create: no restore's safety snapshot. */
    public CreateSnapshotCommand(CallContext context, ServerId server, SnapshotName name, Optional<Description> description) {
        this(context, server, name, description, Optional.empty());
    }
}
