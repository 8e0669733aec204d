package org.vpsrecovery.bootstrap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * Times every provider call ({@code vpsr.provider.calls}, tagged by operation and outcome: ok or
 * the failure's kind), whatever adapter stands behind the ports. Each timer is built once per
 * operation and outcome and kept: building one per call (a builder, its tags, the registry's
 * lookup) showed in the request path's profile (issue 13).
 */
public final class MeteredProvider implements SnapshotProvider, BackupProvider {

    private final SnapshotProvider snapshots;
    private final BackupProvider backups;
    private final MeterRegistry registry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

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
            outcome = failure.kind().name().toLowerCase(Locale.ROOT);
            throw failure;
        } catch (RuntimeException unexpected) {
            outcome = "error";
            throw unexpected;
        } finally {
            timer(operation, outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    /** The outcome tag of a call that ended with {@code failure} (null: ok), as {@link #timed} names it. */
    private static String outcome(Throwable failure) {
        Throwable cause = failure instanceof CompletionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : failure;
        if (cause == null) {
            return "ok";
        }
        return cause instanceof ProviderFailure provider ? provider.kind().name().toLowerCase(Locale.ROOT) : "error";
    }

    /** The timer of one operation and outcome; a few dozen at most (8 operations x ok, error and the failure kinds). */
    Timer timer(String operation, String outcome) {
        return timers.computeIfAbsent(operation + '/' + outcome, key -> Timer.builder("vpsr.provider.calls")
                .description("Calls to VPS.org by operation and outcome")
                .tag("operation", operation)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry));
    }

    @Override
    public List<Snapshot> listSnapshots(Optional<ServerId> server) {
        return timed("list_snapshots", () -> snapshots.listSnapshots(server));
    }

    /** Timed from the call to the answer, under the same timer as the blocking list. */
    @Override
    public CompletableFuture<List<Snapshot>> listSnapshotsWhenAnswered(Optional<ServerId> server, Executor blocking) {
        long start = System.nanoTime();
        CompletableFuture<List<Snapshot>> answer;
        try {
            answer = snapshots.listSnapshotsWhenAnswered(server, blocking);
        } catch (RuntimeException failure) {
            answer = CompletableFuture.failedFuture(failure);
        }
        return answer.whenComplete((listed, failure) -> timer("list_snapshots", outcome(failure))
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
    }

    /** Timed as a list: one or more reads of it (ADR 0010). */
    @Override
    public List<Snapshot> listSnapshotsConsistently(Optional<ServerId> server, ConsistentListBound bound) {
        return timed("list_snapshots", () -> snapshots.listSnapshotsConsistently(server, bound));
    }

    @Override
    public Snapshot createSnapshot(SnapshotDraft draft) {
        return timed("create_snapshot", () -> snapshots.createSnapshot(draft));
    }

    @Override
    public RestoreStarted restoreSnapshot(SnapshotId snapshot, ServerId itsServer) {
        return timed("restore_snapshot", () -> snapshots.restoreSnapshot(snapshot, itsServer));
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

    /** Timed as a list: one or more reads of it (ADR 0010). */
    @Override
    public List<Backup> listBackupsConsistently(Optional<ServerId> server, Optional<BackupType.Kind> type,
                                                ConsistentListBound bound) {
        return timed("list_backups", () -> backups.listBackupsConsistently(server, type, bound));
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
