package org.vpsrecovery.application.policy;

import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.RecoveryPointHolds;

/**
 * Which of some recovery points retention must keep whatever its rules say: those a live restore
 * still reads (ADR 0026) and those a team or legal hold is on (ADR 0029). One reading for the plan
 * and for rotation, so the two never disagree on what is held.
 */
final class HeldRecoveryPoints {

    private final RecoveryOperations operations;
    private final RecoveryPointHolds holds;
    private final Clock clock;

    HeldRecoveryPoints(RecoveryOperations operations, RecoveryPointHolds holds, Clock clock) {
        this.operations = Objects.requireNonNull(operations, "operations");
        this.holds = Objects.requireNonNull(holds, "holds");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    Set<ResourceRef> among(Collection<ResourceRef> points) {
        Set<ResourceRef> held = new HashSet<>(holds.heldAmong(points));
        operations.liveRestores(Optional.empty(), Optional.empty(), clock.instant()).stream()
                .map(RecoveryOperation::resource).flatMap(Optional::stream).filter(points::contains).forEach(held::add);
        return held;
    }
}
