package org.vpsrecovery.application.backup;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.server.ServerId;

public record CreateManualBackupCommand(CallContext context, ServerId server, Optional<Description> description) {

    public CreateManualBackupCommand {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(description, "description (may be empty, not null)");
    }
}
