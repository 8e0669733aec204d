package org.vpsrecovery.bootstrap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * Times every provider call ({@code vpsr.provider.calls}, tagged by operation and outcome: ok or
 * the failure's kind), whatever adapter stands behind the ports.
 */
public final class MeteredProvider implements SnapshotProvider, BackupProvider {

    private final SnapshotProvider snapshots;
    private final BackupProvider backups;
    private final MeterRegistry registry;

    public MeteredProvider(SnapshotProvider snapshots, BackupProvider backups, MeterRegistry registry) {
        this.snapshots = snapshots;
        this.backups = backups;
        this.registry = registry;
    }

    private <T> T timed(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        String outcome = "ok";
        try {
            return call.get();
        } catch (ProviderFailure failure) {
            outcome = failure.kind().name().toLowerCase(java.util.Locale.ROOT);
            throw failure;
        } catch (RuntimeException unexpected) {
            outcome = "error";
            throw unexpected;
        } finally {
            Timer.builder("vpsr.provider.calls")
                    .description("Calls to VPS.org by operation and outcome")
                    .tag("operation", operation)
                    .tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public List<Snapshot> listSnapshots(Optional<ServerId> server) {
        return timed("list_snapshots", () -> snapshots.listSnapshots(server));
    }

    @Override
    public Snapshot createSnapshot(SnapshotDraft draft) {
        return timed("create_snapshot", () -> snapshots.createSnapshot(draft));
    }

    @Override
    public RestoreStarted restoreSnapshot(SnapshotId snapshot) {
        return timed("restore_snapshot", () -> snapshots.restoreSnapshot(snapshot));
    }

    @Override
    public void deleteSnapshot(SnapshotId snapshot) {
        timed("delete_snapshot", () -> {
            snapshots.deleteSnapshot(snapshot);
            return null;
        });
    }

    @Override
    public List<Backup> listBackups(Optional<ServerId> server, Optional<BackupType.Kind> type) {
        return timed("list_backups", () -> backups.listBackups(server, type));
    }

    @Override
    public Backup createManualBackup(BackupDraft draft) {
        return timed("create_manual_backup", () -> backups.createManualBackup(draft));
    }

    @Override
    public void deleteBackup(BackupId backup) {
        timed("delete_backup", () -> {
            backups.deleteBackup(backup);
            return null;
        });
    }

    @Override
    public RestoreStarted restoreServerFromBackup(ServerId server, BackupId backup) {
        return timed("restore_server_from_backup", () -> backups.restoreServerFromBackup(server, backup));
    }
}
