package org.vpsrecovery.domain.server;

import java.util.Objects;

/** A server as the provider names it inside snapshots and backups: id and display name. */
public record ServerRef(ServerId id, String name) {

    public ServerRef {
        Objects.requireNonNull(id, "server id");
        Objects.requireNonNull(name, "server name");
    }
}
