package org.vpsrecovery.domain.report;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.server.ServerId;

/**
 * What the audit history says about one server: when a snapshot or backup of it was last created
 * successfully through the platform, and when it was last restored successfully.
 */
public record RecoveryActivity(ServerId server, Optional<Instant> lastCompletedCreate,
                               Optional<Instant> lastCompletedRestore) {

    public RecoveryActivity {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(lastCompletedCreate, "last completed create");
        Objects.requireNonNull(lastCompletedRestore, "last completed restore");
    }

    public static RecoveryActivity none(ServerId server) {
        return new RecoveryActivity(server, Optional.empty(), Optional.empty());
    }
}
