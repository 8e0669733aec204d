package org.vpsrecovery.domain.port;

import java.util.Objects;
import org.vpsrecovery.domain.server.Server;

/** The provider's answer to a restore: the server and the status it reports (normally restoring). */
public record RestoreStarted(Server server) {

    public RestoreStarted {
        Objects.requireNonNull(server, "server");
    }
}
