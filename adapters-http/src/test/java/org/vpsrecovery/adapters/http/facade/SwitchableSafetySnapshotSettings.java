package org.vpsrecovery.adapters.http.facade;

import org.vpsrecovery.application.restore.SafetySnapshotSettings;
import org.vpsrecovery.domain.common.TeamId;

/**
 * Whether the facade tests' restores take a safety snapshot first (ADR 0029): off, so restores answer as VPS.org does,
 * unless a test turns it on for every team.
 */
final class SwitchableSafetySnapshotSettings implements SafetySnapshotSettings {

    volatile boolean on;

    @Override
    public boolean takesSafetySnapshot(TeamId team) {
        return on;
    }
}
