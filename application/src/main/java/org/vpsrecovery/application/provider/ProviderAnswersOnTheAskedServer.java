package org.vpsrecovery.application.provider;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
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
 * VPS.org's answers held to the server they were asked about, once for every use case and every adapter: the
 * composition root puts it under {@link SharedListReads}, every use case's way to VPS.org (ADR 0024, amended in session
 * 40). A server's list holds only that server's points, whether or not VPS.org honoured {@code server_id} (ADR 0024,
 * amended in session 39). A create or restore answered with another server is not an answer about ours (it may be
 * another team's point): it is an unknown outcome, settled by listing like a lost answer, and none of its data goes on.
 * Checked here alone, not in the adapters (ADR 0010, amended in sessions 39 and 40).
 */
public final class ProviderAnswersOnTheAskedServer implements SnapshotProvider, BackupProvider {

    private static final System.Logger LOG = System.getLogger(ProviderAnswersOnTheAskedServer.class.getName());

    private final SnapshotProvider snapshots;
    private final BackupProvider backups;

    public ProviderAnswersOnTheAskedServer(SnapshotProvider snapshots, BackupProvider backups) {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.backups = Objects.requireNonNull(backups, "backups");
    }

    @Override
    public List<Snapshot> listSnapshots(Optional<ServerId> server) {
        return onlyAsked(server, snapshots.listSnapshots(server), s -> s.server().id());
    }

    @Override
    public CompletableFuture<List<Snapshot>> listSnapshotsWhenAnswered(Optional<ServerId> server, Executor blocking) {
        return snapshots.listSnapshotsWhenAnswered(server, blocking).thenApply(listed -> onlyAsked(server, listed,
                s -> s.server().id()));
    }

    @Override
    public List<Snapshot> listSnapshotsConsistently(Optional<ServerId> server, ConsistentListBound bound) {
        return onlyAsked(server, snapshots.listSnapshotsConsistently(server, bound), s -> s.server().id());
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
        return onlyAsked(server, backups.listBackups(server, type), b -> b.server().id());
    }

    @Override
    public List<Backup> listBackupsConsistently(Optional<ServerId> server, Optional<BackupType.Kind> type,
                                                ConsistentListBound bound) {
        return onlyAsked(server, backups.listBackupsConsistently(server, type, bound), b -> b.server().id());
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

    /**
     * A server's list without the points VPS.org listed for other servers, had it ignored {@code server_id}: the
     * tracker, the reconciler and the look-ups would otherwise claim another team's point of the same name as ours.
     */
    private static <T> List<T> onlyAsked(Optional<ServerId> server, List<T> listed, Function<T, ServerId> serverOf) {
        if (server.isEmpty() || listed.stream().allMatch(p -> serverOf.apply(p).equals(server.get()))) {
            return listed;
        }
        List<T> asked = listed.stream().filter(p -> serverOf.apply(p).equals(server.get())).toList();
        LOG.log(System.Logger.Level.WARNING, "VPS.org listed {0} recovery points of other servers when asked for "
                + "server {1}: left out", listed.size() - asked.size(), String.valueOf(server.get().value()));
        return asked;
    }

    /**
     * VPS.org acted, on what is unknown: the message names neither the other server nor the point (not the caller's).
     * Marked as drawn from an answer, whose code only the adapter knew: the caller is not told VPS.org was silent.
     */
    private static void requireAsked(ServerId asked, ServerId answered, String call) {
        if (!answered.equals(asked)) {
            throw ProviderFailure.ofAnAnswer(ProviderFailure.Kind.OUTCOME_UNKNOWN, "VPS.org answered the call to " + call
                    + " of server " + asked + " with another server: not an answer about this one, its outcome is "
                    + "found by listing");
        }
    }
}
