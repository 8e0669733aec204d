package org.vpsrecovery.application.restore;

import java.util.Optional;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * The seam where retention (ADR 0028, 0036) makes room for a restore's safety snapshot when the server
 * is at its snapshot limit: the oldest snapshot a policy of the team covering the server made and its
 * retention lets go. {@link #NONE}: nothing may go, and the restore is refused
 * {@code SAFETY_SNAPSHOT_LIMIT_REACHED} before anything is created.
 */
public interface SafetySnapshotRotation {

    /**
     * The snapshot that would go to make room on {@code server}; reads only (a plan). {@code reading}, the
     * point the restore reads, is held for it (it is the restore's source), so never chosen.
     */
    Optional<SnapshotId> choose(TeamId team, ServerId server, ResourceRef reading);

    /**
     * Deletes the one {@link #choose} names through the audited delete, under the server's lock, which
     * the caller (the restore's attempt) holds; the snapshot deleted, or empty when none may go. A delete VPS.org
     * refuses for good is a refusal of the restore, {@code ROTATION_NOT_POSSIBLE}; one that did not end done otherwise
     * (refused by the platform, failed, its answer lost) is "not now" (ADR 0029, amended in sessions 48 and 49).
     */
    Optional<SnapshotId> makeRoom(TeamId team, ServerId server, ResourceRef reading);

    SafetySnapshotRotation NONE = new SafetySnapshotRotation() {
        @Override
        public Optional<SnapshotId> choose(TeamId team, ServerId server, ResourceRef reading) {
            return Optional.empty();
        }

        @Override
        public Optional<SnapshotId> makeRoom(TeamId team, ServerId server, ResourceRef reading) {
            return Optional.empty();
        }
    };
}
