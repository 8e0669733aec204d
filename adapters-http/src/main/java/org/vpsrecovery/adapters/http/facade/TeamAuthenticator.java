package org.vpsrecovery.adapters.http.facade;

import java.util.Optional;

/** Tells which team's service token a presented bearer token is, if any (and only while it is valid). */
public interface TeamAuthenticator {

    Optional<ServiceToken> authenticate(String presentedToken);
}
