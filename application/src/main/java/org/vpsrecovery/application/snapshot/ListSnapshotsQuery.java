package org.vpsrecovery.application.snapshot;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/** A team's snapshots, of one of its servers or all; a read, so it names only the team (no operation, no actor). */
public record ListSnapshotsQuery(TeamId team, Optional<ServerId> server) {

    public ListSnapshotsQuery {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(server, "server (may be empty, not null)");
    }
}
