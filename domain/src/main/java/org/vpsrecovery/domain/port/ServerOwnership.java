package org.vpsrecovery.domain.port;

import java.util.Set;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/** Which servers each team owns; a team sees and touches only its own. */
public interface ServerOwnership {

    Set<ServerId> serversOf(TeamId team);

    default boolean owns(TeamId team, ServerId server) {
        return serversOf(team).contains(server);
    }
}
