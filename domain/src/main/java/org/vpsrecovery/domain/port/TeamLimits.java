package org.vpsrecovery.domain.port;

import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.RecoveryLimits;

/** The limits that apply to a team: the provider's documented ones unless the team is held lower. */
public interface TeamLimits {

    RecoveryLimits limitsFor(TeamId team);

    static TeamLimits providerDocumented() {
        return team -> RecoveryLimits.PROVIDER_DOCUMENTED;
    }
}
