package org.vpsrecovery.domain.port;

import java.util.Set;
import org.vpsrecovery.domain.common.TeamId;

/** Every team the platform serves (auditors report over all of them). */
public interface TeamDirectory {

    Set<TeamId> teams();
}
