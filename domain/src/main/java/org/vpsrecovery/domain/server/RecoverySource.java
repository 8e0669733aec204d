package org.vpsrecovery.domain.server;

import java.util.Objects;
import org.vpsrecovery.domain.audit.ResourceRef;

/**
 * The snapshot or backup a restore reads from, and the server it belongs to: a backup of another
 * server can restore this one, so the two servers may differ.
 */
public record RecoverySource(ResourceRef point, ServerId server) {

    public RecoverySource {
        Objects.requireNonNull(point, "recovery point");
        Objects.requireNonNull(server, "server of the recovery point");
    }
}
