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
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * VPS.org's lists, read once for all the callers asking for the same list at the same time (ADR 0075).
 * A list caller joins a read that has not started yet, never one under way, so every answer (a team's list,
 * a limit checked under a server's lock) is read after its caller asked, as a read of its own would be.
 * Changes (creates, deletes, restores) always go through, one call each.
 */
public final class SharedListReads implements SnapshotProvider, BackupProvider {

    private record BackupList(Optional<ServerId> server, Optional<BackupType.Kind> type) {
    }

    private final SnapshotProvider snapshots;
    private final BackupProvider backups;
    private final ReadsInTurn<Optional<ServerId>, List<Snapshot>> snapshotLists;
    private final ReadsInTurn<BackupList, List<Backup>> backupLists;
    /**
     * Consistent reads are shared only among themselves: an ordinary read does not answer for one (ADR 0010); and only
     * the jobs' (each read its own deadline). A request's is read on its own: shared, it would run on the deadline of
     * the request that started it, and a request joining it could wait past its own (ADR 0010, amended in session 39).
     */
    private final ReadsInTurn<Optional<ServerId>, List<Snapshot>> consistentSnapshotLists;
    private final ReadsInTurn<BackupList, List<Backup>> consistentBackupLists;

    /** As {@link #SharedListReads(SnapshotProvider, BackupProvider, CallersContext)}, with no context to carry. */
    public SharedListReads(SnapshotProvider snapshots, BackupProvider backups) {
        this(snapshots, backups, CallersContext.NONE);
    }

    /**
     * Shares the reads of {@code snapshots} and {@code backups} as given: what holds their answers to the asked server
     * ({@link ProviderAnswersOnTheAskedServer}) is the composition root's to put under this (ADR 0024, session 40).
     * A read waiting its turn without a thread starts under its caller's context, which {@code callersContext} carries
     * (ADR 0090, amended in session 43).
     */
    public SharedListReads(SnapshotProvider snapshots, BackupProvider backups, CallersContext callersContext) {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.backups = Objects.requireNonNull(backups, "backups");
        this.snapshotLists = new ReadsInTurn<>(callersContext);
        this.backupLists = new ReadsInTurn<>(callersContext);
        this.consistentSnapshotLists = new ReadsInTurn<>(callersContext);
        this.consistentBackupLists = new ReadsInTurn<>(callersContext);
    }

    /** How many list callers were answered by a read made for another caller (no call of their own to VPS.org). */
    public long sharedAnswers() {
        return snapshotLists.joined() + backupLists.joined() + consistentSnapshotLists.joined()
                + consistentBackupLists.joined();
    }

    /** The list is shared by its readers: it cannot be changed. */
    @Override
    public List<Snapshot> listSnapshots(Optional<ServerId> server) {
        Objects.requireNonNull(server, "server");
        return snapshotLists.read(server, () -> List.copyOf(snapshots.listSnapshots(server)));
    }

    /** The same shared read without a waiting thread: joined by {@link #listSnapshots}'s callers and joining theirs. */
    @Override
    public CompletableFuture<List<Snapshot>> listSnapshotsWhenAnswered(Optional<ServerId> server, Executor blocking) {
        Objects.requireNonNull(server, "server");
        return snapshotLists.readWhenAnswered(server,
                () -> snapshots.listSnapshotsWhenAnswered(server, blocking).thenApply(List::copyOf));
    }

    /** Under a job's bound, shared with the jobs asking for the same consistent list at once. */
    @Override
    public List<Snapshot> listSnapshotsConsistently(Optional<ServerId> server, ConsistentListBound bound) {
        Objects.requireNonNull(server, "server");
        if (bound.sharesOneDeadline()) {
            return List.copyOf(snapshots.listSnapshotsConsistently(server, bound));
        }
        return consistentSnapshotLists.read(server, () -> List.copyOf(snapshots.listSnapshotsConsistently(server, bound)));
    }

    @Override
    public Snapshot createSnapshot(SnapshotDraft draft) {
        return snapshots.createSnapshot(draft);
    }

    @Override
    public RestoreStarted restoreSnapshot(SnapshotId snapshot, ServerId itsServer) {
        return snapshots.restoreSnapshot(snapshot, itsServer);
    }

    @Override
    public void deleteSnapshot(SnapshotId snapshot) {
        snapshots.deleteSnapshot(snapshot);
    }

    /** The list is shared by its readers: it cannot be changed. */
    @Override
    public List<Backup> listBackups(Optional<ServerId> server, Optional<BackupType.Kind> type) {
        BackupList key = new BackupList(Objects.requireNonNull(server, "server"), Objects.requireNonNull(type, "type"));
        return backupLists.read(key, () -> List.copyOf(backups.listBackups(server, type)));
    }

    /** Under a job's bound, shared with the jobs asking for the same consistent list at once. */
    @Override
    public List<Backup> listBackupsConsistently(Optional<ServerId> server, Optional<BackupType.Kind> type,
                                                ConsistentListBound bound) {
        BackupList key = new BackupList(Objects.requireNonNull(server, "server"), Objects.requireNonNull(type, "type"));
        if (bound.sharesOneDeadline()) {
            return List.copyOf(backups.listBackupsConsistently(server, type, bound));
        }
        return consistentBackupLists.read(key, () -> List.copyOf(backups.listBackupsConsistently(server, type, bound)));
    }

    @Override
    public Backup createManualBackup(BackupDraft draft) {
        return backups.createManualBackup(draft);
    }

    @Override
    public void deleteBackup(BackupId backup) {
        backups.deleteBackup(backup);
    }

    @Override
    public RestoreStarted restoreServerFromBackup(ServerId server, BackupId backup) {
        return backups.restoreServerFromBackup(server, backup);
    }
}
