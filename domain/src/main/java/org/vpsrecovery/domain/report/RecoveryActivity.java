package org.vpsrecovery.domain.report;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.server.ServerId;

/**
 * What the audit history says about one server: when a snapshot or backup of it was last created
 * successfully through the platform, the last restore recorded {@code COMPLETED} (only releases before session 49
 * recorded one), and the newest restore asked for and how it ended (ADR 0024, amended in session 50).
 */
public record RecoveryActivity(ServerId server, Optional<Instant> lastCompletedCreate,
                               Optional<Instant> lastCompletedRestore, Optional<RestoreRequested> lastRestoreRequested) {

    public RecoveryActivity {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(lastCompletedCreate, "last completed create");
        Objects.requireNonNull(lastCompletedRestore, "last completed restore");
        Objects.requireNonNull(lastRestoreRequested, "last restore requested");
    }

    /** Activity with no restore asked for. */
    public RecoveryActivity(ServerId server, Optional<Instant> lastCompletedCreate, Optional<Instant> lastCompletedRestore) {
        this(server, lastCompletedCreate, lastCompletedRestore, Optional.empty());
    }

    public static RecoveryActivity none(ServerId server) {
        return new RecoveryActivity(server, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
