package org.vpsrecovery.application.restore;

import java.util.List;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;

/**
 * The seam where retention (ADR 0028) makes room for a restore's safety snapshot when the server is at
 * its snapshot limit. Called under the server's lock (the restore's), so an implementation deletes
 * without taking it again. Until retention provides one, {@link #NONE}: nothing may go, and the restore
 * is refused {@code SAFETY_SNAPSHOT_LIMIT_REACHED} before anything is created.
 */
@FunctionalInterface
public interface SafetySnapshotRotation {

    /** Whether room was made on {@code server}, whose snapshots are {@code onServer}. */
    boolean makeRoom(ServerId server, List<Snapshot> onServer);

    SafetySnapshotRotation NONE = (server, onServer) -> false;
}
