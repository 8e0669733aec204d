package org.vpsrecovery.application.policy;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionVerdict;
import org.vpsrecovery.domain.server.ServerId;

/** What a policy would do, as of {@code at}: its next runs, and per server what retention keeps or deletes. */
public record PolicyPlan(RecoveryPolicy policy, Instant at, List<Instant> nextRuns, List<ServerPlan> servers) {

    public PolicyPlan {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(at, "at");
        nextRuns = List.copyOf(nextRuns);
        servers = List.copyOf(servers);
    }

    /** One server's points of the policy's kind, newest first, each with retention's verdict. */
    public record ServerPlan(ServerId server, List<PlannedPoint> points) {
        public ServerPlan {
            Objects.requireNonNull(server, "server");
            points = List.copyOf(points);
        }
    }

    /** A recovery point as VPS.org shows it (its name, or a backup's description, and status) and its verdict. */
    public record PlannedPoint(String label, String status, RetentionVerdict verdict) {
        public PlannedPoint {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(verdict, "verdict");
        }
    }

    public long deletions() {
        return servers.stream().flatMap(s -> s.points().stream()).filter(p -> !p.verdict().keep()).count();
    }
}
