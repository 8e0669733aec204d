package org.vpsrecovery.simulator;

import java.time.Instant;

/** What snapshots and backups share: the server they copy, and how their making progresses. */
sealed interface RecoveryPoint permits Snapshot, Backup {

    long id();

    Server server();

    Instant createdAt();

    CreationProgress progress();

    /** {@code snapshot} or {@code backup}: the word the provider's messages and restore answers use. */
    String kind();
}
