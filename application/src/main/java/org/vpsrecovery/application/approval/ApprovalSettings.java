package org.vpsrecovery.application.approval;

import java.time.Duration;
import java.util.Optional;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.common.TeamId;

/** Which of a team's requests wait for a second person, and how long (team configuration, ADR 0040). */
@FunctionalInterface
public interface ApprovalSettings {

    /** The time limit for a second person to decide, when {@code team}'s {@code kind} needs approval; empty when not. */
    Optional<Duration> timeLimit(TeamId team, Operation kind);

    /** No team's request waits for approval: the behaviour before ADR 0040. */
    static ApprovalSettings none() {
        return (team, kind) -> Optional.empty();
    }
}
