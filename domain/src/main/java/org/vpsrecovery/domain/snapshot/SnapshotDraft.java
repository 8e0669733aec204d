package org.vpsrecovery.domain.snapshot;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.server.ServerId;

/** What the provider is asked to create. */
public record SnapshotDraft(ServerId server, SnapshotName name, Optional<Description> description) {

    public SnapshotDraft {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
    }
}
