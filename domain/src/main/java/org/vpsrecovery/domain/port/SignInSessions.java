package org.vpsrecovery.domain.port;

import java.time.Instant;
import java.util.Optional;
import org.vpsrecovery.domain.session.SignInSession;

/**
 * The web console's sessions, shared by every instance (ADR 0041): a session opened on one is
 * found on any other. Failures are {@link PlatformUnavailable}.
 */
public interface SignInSessions {

    /** Stores a new session; sessions idle since before {@code idleSince} or expired by {@code now} go. */
    void open(SignInSession session, Instant idleSince, Instant now);

    /**
     * The session under this digest if it was last seen at or after {@code idleSince} and expires after
     * {@code now}, marked seen {@code now}; empty if unknown or expired.
     */
    Optional<SignInSession> touch(String idDigest, Instant now, Instant idleSince);

    /** Ends the session (signing out); unknown digests are no error. */
    void close(String idDigest);
}
