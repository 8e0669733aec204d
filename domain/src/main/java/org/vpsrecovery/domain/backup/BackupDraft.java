package org.vpsrecovery.domain.backup;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.server.ServerId;

/** What the provider is asked to create: always a manual backup. */
public record BackupDraft(ServerId server, Optional<Description> description) {

    public BackupDraft {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(description, "description");
    }
}
