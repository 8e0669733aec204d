package org.vpsrecovery.domain.drift;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/** Which drifts the report reads; every part optional; {@code since} is inclusive, on the detection time. */
public record DriftFilter(Optional<TeamId> team, Optional<ServerId> server, Optional<DriftKind> kind,
                          Optional<Instant> since) {

    public DriftFilter {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(since, "since");
    }

    public static DriftFilter everything() {
        return new DriftFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public DriftFilter forTeam(Optional<TeamId> value) {
        return new DriftFilter(value, server, kind, since);
    }

    public boolean matches(Drift drift) {
        return team.map(drift.team()::equals).orElse(true)
                && server.map(drift.server()::equals).orElse(true)
                && kind.map(k -> drift.kind() == k).orElse(true)
                && since.map(s -> !drift.detectedAt().isBefore(s)).orElse(true);
    }
}
