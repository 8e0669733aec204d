package org.vpsrecovery.application.restore;

import org.vpsrecovery.domain.common.TeamId;

/** Whether a team's restores take a safety snapshot first (team configuration, ADR 0029). */
@FunctionalInterface
public interface SafetySnapshotSettings {

    boolean takesSafetySnapshot(TeamId team);

    static SafetySnapshotSettings always(boolean on) {
        return team -> on;
    }
}
