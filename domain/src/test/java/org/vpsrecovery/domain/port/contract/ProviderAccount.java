package org.vpsrecovery.domain.port.contract;

import java.time.Instant;
import java.util.List;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;

/**
 * What a provider account holds when a {@link ProviderContract} test starts, at the moment
 * {@code asOf}: each implementation under test is set up to hold exactly this (same ids, fields and
 * times, to the second), so that its answers can be compared with these values field for field.
 */
public record ProviderAccount(Instant asOf, List<ServerRef> servers, List<Snapshot> snapshots, List<Backup> backups) {

    public ProviderAccount {
        servers = List.copyOf(servers);
        snapshots = List.copyOf(snapshots);
        backups = List.copyOf(backups);
    }
}
