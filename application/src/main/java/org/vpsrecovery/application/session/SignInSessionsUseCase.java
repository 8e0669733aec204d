package org.vpsrecovery.application.session;

import java.time.Instant;
import java.util.Optional;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.session.SessionHolder;
import org.vpsrecovery.domain.session.SignInSession;

/**
 * The web console's sign-in sessions (ADR 0041). The caller was authenticated before (by the same
 * checks as the API's bearer tokens); a session carries who they are, never their token.
 */
public interface SignInSessionsUseCase {

    /** A fresh session: its id goes to the browser (in a cookie) and is stored only as a digest. */
    record Opened(String id, SignInSession session) {
    }

    /**
     * {@code tokenValidUntil}: when the token signed in with stops being accepted; the session ends by then too.
     * {@code credential}: the fingerprint of the static token signed in with (empty for a JWT), kept so that
     * each page can check the token is still configured.
     */
    Opened open(SessionHolder holder, Actor actor, Optional<Instant> tokenValidUntil, Optional<String> credential);

    /** The live session this id names (refreshing its idle expiry), or empty. */
    Optional<SignInSession> find(String id);

    /** Signs out: the session is gone for every instance. */
    void close(String id);
}
