package org.vpsrecovery.application.provider;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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
 * VPS.org's answers held to the server they were asked about, once for every use case ({@link SharedListReads} reads
 * through it). A create or restore answered with another server is not an answer about ours (it may be another
 * team's point): it is an unknown outcome, settled by listing like a lost answer, and none of its data goes on (ADR
 * 0010, amended in session 39).
 */
public final class ProviderAnswersOnTheAskedServer implements SnapshotProvider, BackupProvider {

    private final SnapshotProvider snapshots;
    private final BackupProvider backups;

    public ProviderAnswersOnTheAskedServer(SnapshotProvider snapshots, BackupProvider backups) {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.backups = Objects.requireNonNull(backups, "backups");
    }

    @Override
    public List<Snapshot> listSnapshots(Optional<ServerId> server) {
        return snapshots.listSnapshots(server);
    }

    @Override
    public CompletableFuture<List<Snapshot>> listSnapshotsWhenAnswered(Optional<ServerId> server, Executor blocking) {
        return snapshots.listSnapshotsWhenAnswered(server, blocking);
    }

    @Override
    public List<Snapshot> listSnapshotsConsistently(Optional<ServerId> server, ConsistentListBound bound) {
        return snapshots.listSnapshotsConsistently(server, bound);
    }

    @Override
    public Snapshot createSnapshot(SnapshotDraft draft) {
        Snapshot created = snapshots.createSnapshot(draft);
        requireAsked(draft.server(), created.server().id(), "create a snapshot");
        return created;
    }

    @Override
    public RestoreStarted restoreSnapshot(SnapshotId snapshot, ServerId itsServer) {
        RestoreStarted started = snapshots.restoreSnapshot(snapshot, itsServer);
        requireAsked(itsServer, started.server().ref().id(), "restore snapshot " + snapshot);
        return started;
    }

    @Override
    public void deleteSnapshot(SnapshotId snapshot) {
        snapshots.deleteSnapshot(snapshot);
    }

    @Override
    public List<Backup> listBackups(Optional<ServerId> server, Optional<BackupType.Kind> type) {
        return backups.listBackups(server, type);
    }

    @Override
    public List<Backup> listBackupsConsistently(Optional<ServerId> server, Optional<BackupType.Kind> type,
                                                ConsistentListBound bound) {
        return backups.listBackupsConsistently(server, type, bound);
    }

    @Override
    public Backup createManualBackup(BackupDraft draft) {
        Backup created = backups.createManualBackup(draft);
        requireAsked(draft.server(), created.server().id(), "create a manual backup");
        return created;
    }

    @Override
    public void deleteBackup(BackupId backup) {
        backups.deleteBackup(backup);
    }

    @Override
    public RestoreStarted restoreServerFromBackup(ServerId server, BackupId backup) {
        RestoreStarted started = backups.restoreServerFromBackup(server, backup);
        requireAsked(server, started.server().ref().id(), "restore server " + server + " from backup " + backup);
        return started;
    }

    /** VPS.org acted, on what is unknown: the message names neither the other server nor the point (not the caller's). */
    private static void requireAsked(ServerId asked, ServerId answered, String call) {
        if (!answered.equals(asked)) {
            throw new ProviderFailure(ProviderFailure.Kind.OUTCOME_UNKNOWN, "VPS.org answered the call to " + call
                    + " of server " + asked + " with another server: not an answer about this one, its outcome is "
                    + "found by listing");
        }
    }
}
