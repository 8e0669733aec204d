package org.vpsrecovery.application.fairshare;

import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.FairShareLimits;

/** Each team's fair share of VPS.org: the platform's default unless the team's configuration says otherwise (ADR 0037). */
@FunctionalInterface
public interface FairShareSettings {

    FairShareLimits fairShareOf(TeamId team);

    static FairShareSettings everyTeam(FairShareLimits limits) {
        return team -> limits;
    }
}
