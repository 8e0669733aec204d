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
