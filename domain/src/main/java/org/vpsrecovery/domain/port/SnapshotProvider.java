package org.vpsrecovery.domain.port;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** The provider's snapshot operations. Every method may throw {@link ProviderFailure}. */
public interface SnapshotProvider {

    /** All snapshots of the platform's account, or of one server. */
    List<Snapshot> listSnapshots(Optional<ServerId> server);

    /**
     * The same list, completed once answered, for callers that must not wait (an event loop): whatever has to
     * wait runs on {@code blocking}. Fails with the {@link ProviderFailure} {@link #listSnapshots} would throw
     * (possibly wrapped in a {@link java.util.concurrent.CompletionException}). By default the whole blocking
     * list runs on {@code blocking}, so every adapter is correct without overriding it.
     */
    default CompletableFuture<List<Snapshot>> listSnapshotsWhenAnswered(Optional<ServerId> server, Executor blocking) {
        return CompletableFuture.supplyAsync(() -> listSnapshots(server), blocking);
    }

    /**
     * The same list, read so that a snapshot it leaves out was not at VPS.org when the read ended: what a decision on a
     * snapshot's absence reads (an operation's end, a drift, a 404, a limit). VPS.org has no read of one snapshot, and
     * {@link #listSnapshots} may join pages read at different moments, where a delete and an add between two of them
     * can leave out a snapshot that existed all along (ADR 0010, amended in session 38). Fails {@code UNAVAILABLE}
     * when that cannot be established now, or not within {@code bound} (a request's: one deadline for all its
     * consistent lists; a job's: each read its own, ADR 0010, amended in session 39). By default the ordinary list:
     * right for an adapter whose every list is one answer; an adapter that reads pages overrides it, and a decorator
     * passes it on.
     */
    default List<Snapshot> listSnapshotsConsistently(Optional<ServerId> server, ConsistentListBound bound) {
        return listSnapshots(server);
    }

    /** Starts a snapshot; the answer is normally in progress. Never retried blindly. */
    Snapshot createSnapshot(SnapshotDraft draft);

    /**
     * Puts {@code itsServer} back to the snapshot: the provider restores a snapshot onto its own server, and the
     * caller names the one it read the snapshot on, so that a yes that does not name the server (an empty or
     * {@code {}} answer) is still read as the restore started there (ADR 0010).
     */
    RestoreStarted restoreSnapshot(SnapshotId snapshot, ServerId itsServer);

    void deleteSnapshot(SnapshotId snapshot);
}
