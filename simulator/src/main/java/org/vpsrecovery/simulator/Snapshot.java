package org.vpsrecovery.simulator;

import java.time.Instant;

/** A snapshot of a server, as the provider keeps it. */
record Snapshot(long id, Server server, String name, Instant createdAt, String description,
                CreationProgress progress) implements RecoveryPoint {

    @Override
    public String kind() {
        return "snapshot";
    }
}
