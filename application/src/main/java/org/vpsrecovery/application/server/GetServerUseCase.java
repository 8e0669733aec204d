package org.vpsrecovery.application.server;

import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;

/** A team's server as the platform knows it: restoring under a hold, or left to the provider. */
public interface GetServerUseCase {

    /**
     * Another team's server is reported exactly as a missing one ({@code SERVER_NOT_FOUND}). A hold on it may be of a
     * restore another team asked before the teams file moved the server: shown to {@code team}, it is told through
     * {@code RestoreHold.operationToldTo(team)} and {@code sourceToldTo(team)}.
     */
    Server getServer(TeamId team, ServerId server);
}
