package org.vpsrecovery.application.server;

import java.util.Objects;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.server.ServerId;

public record ReleaseRestoreHoldCommand(CallContext context, ServerId server) {

    public ReleaseRestoreHoldCommand {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(server, "server");
    }
}
