package org.vpsrecovery.domain.testing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** A provider passing every call on to another: a test overrides the calls it watches or bends (a list, say). */
public class ForwardingSnapshotProvider implements SnapshotProvider {

    private final SnapshotProvider provider;

    public ForwardingSnapshotProvider(SnapshotProvider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    @Override
    public List<Snapshot> listSnapshots(Optional<ServerId> server) {
        return provider.listSnapshots(server);
    }

    @Override
    public Snapshot createSnapshot(SnapshotDraft draft) {
        return provider.createSnapshot(draft);
    }

    @Override
    public RestoreStarted restoreSnapshot(SnapshotId snapshot, ServerId itsServer) {
        return provider.restoreSnapshot(snapshot, itsServer);
    }

    @Override
    public void deleteSnapshot(SnapshotId snapshot) {
        provider.deleteSnapshot(snapshot);
    }
}
