package org.vpsrecovery.application.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.server.ServerId;

/**
 * What a destructive action would do, answered without doing it (ADR 0029): each named policy's
 * verdict, and what would be deleted or overwritten. {@code server} is the one the action changes;
 * {@code point} the snapshot or backup it deletes or reads, on {@code pointServer}.
 */
public record Plan(Operation action, ServerId server, ResourceRef point, ServerId pointServer, List<Verdict> verdicts,
                   List<Effect> effects, Optional<SafetySnapshot> safetySnapshot) {

    /**
     * The snapshot of {@code server}'s current state a restore would take first (ADR 0029), named
     * {@code namePrefix} and the first characters of the restore's operation id; {@code room} says whether
     * the server has room for it (its verdict is among the plan's, as {@code SafetySnapshotRoom}).
     */
    public record SafetySnapshot(ServerId server, String namePrefix, Decision room) {
        public SafetySnapshot {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(namePrefix, "name prefix");
            Objects.requireNonNull(room, "room");
        }
    }

    /** A plan with no safety snapshot (deletes, and restores that take none). */
    public Plan(Operation action, ServerId server, ResourceRef point, ServerId pointServer, List<Verdict> verdicts,
                List<Effect> effects) {
        this(action, server, point, pointServer, verdicts, effects, Optional.empty());
    }

    /** One named domain policy's answer. */
    public record Verdict(String policy, Decision decision) {
        public Verdict {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(decision, "decision");
        }
    }

    /** What the action would change at VPS.org. */
    public sealed interface Effect {
        /** The recovery point would be deleted, for good. */
        record Delete(ResourceRef point, ServerId server) implements Effect {
        }

        /** The server's disks would be overwritten with the recovery point's state. */
        record Overwrite(ServerId server, ResourceRef source, ServerId sourceServer) implements Effect {
        }
    }

    public Plan {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(pointServer, "point server");
        verdicts = List.copyOf(verdicts);
        effects = List.copyOf(effects);
        Objects.requireNonNull(safetySnapshot, "safety snapshot (may be empty, not null)");
        if (verdicts.isEmpty()) {
            throw new IllegalArgumentException("a plan names the policies it applied");
        }
    }

    /** Whether every policy allows it. */
    public boolean allowed() {
        return verdicts.stream().allMatch(v -> v.decision().isAllowed());
    }
}
