package org.vpsrecovery.domain.testing;

import java.util.Map;
import java.util.Set;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.TeamDirectory;
import org.vpsrecovery.domain.server.ServerId;

/** Ownership from a fixed map: team to servers. */
public record FixedServerOwnership(Map<TeamId, Set<ServerId>> servers) implements ServerOwnership, TeamDirectory {

    public FixedServerOwnership {
        servers = Map.copyOf(servers);
    }

    @Override
    public Set<ServerId> serversOf(TeamId team) {
        return servers.getOrDefault(team, Set.of());
    }

    @Override
    public Set<TeamId> teams() {
        return servers.keySet();
    }
}
