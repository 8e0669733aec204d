package org.vpsrecovery.adapters.http.facade;

import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;

/** Tells which team a presented bearer token belongs to, if any. */
public interface TeamAuthenticator {

    Optional<TeamId> authenticate(String presentedToken);
}
