package org.vpsrecovery.adapters.http.facade;

import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;

/** Tells which team's service token a presented bearer token is, if any (and only while it is valid). */
public interface TeamAuthenticator {

    Optional<ServiceToken> authenticate(String presentedToken);

    /** The team's token of this id, if it is still configured and valid now (a console session's re-check). */
    Optional<ServiceToken> configured(TeamId team, String id);
}
