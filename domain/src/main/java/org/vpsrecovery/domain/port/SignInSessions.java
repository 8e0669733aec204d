package org.vpsrecovery.domain.port;

import java.time.Instant;
import java.util.Optional;
import org.vpsrecovery.domain.session.SignInSession;

/**
 * The web console's sessions, shared by every instance (ADR 0041): a session opened on one is
 * found on any other. Failures are {@link PlatformUnavailable}.
 */
public interface SignInSessions {

    /**
     * Stores a new session; sessions idle since before {@code idleSince}, expired by {@code now} or created at or
     * before {@code createdAfter} go.
     */
    void open(SignInSession session, Instant idleSince, Instant now, Instant createdAfter);

    /**
     * The session under this digest if it was last seen at or after {@code idleSince}, expires after {@code now} and
     * was created after {@code createdAfter} (now less the absolute expiry configured now, which may be shorter than
     * the one the session was opened under), marked seen {@code now}; empty if unknown or expired.
     */
    Optional<SignInSession> touch(String idDigest, Instant now, Instant idleSince, Instant createdAfter);

    /** Ends the session (signing out); unknown digests are no error. */
    void close(String idDigest);
}
