package org.vpsrecovery.application.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.port.SignInSessions;
import org.vpsrecovery.domain.session.SessionHolder;
import org.vpsrecovery.domain.session.SignInSession;

/**
 * Sessions with an idle and an absolute expiry. Ids and CSRF tokens are 32 bytes of
 * {@link SecureRandom}; only the SHA-256 of an id is stored, so the table alone opens no session.
 */
public final class SignInSessionsService implements SignInSessionsUseCase {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SignInSessions sessions;
    private final Clock clock;
    private final Duration idle;
    private final Duration absolute;

    public SignInSessionsService(SignInSessions sessions, Clock clock, Duration idle, Duration absolute) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.idle = Objects.requireNonNull(idle, "idle expiry");
        this.absolute = Objects.requireNonNull(absolute, "absolute expiry");
        if (idle.isNegative() || idle.isZero() || absolute.compareTo(idle) < 0) {
            throw new IllegalArgumentException("the idle expiry is positive and not longer than the absolute one");
        }
    }

    @Override
    public Opened open(SessionHolder holder, Actor actor, Optional<Instant> tokenValidUntil, Optional<String> credential) {
        String id = randomToken();
        Instant now = clock.instant();
        Instant end = now.plus(absolute);
        if (tokenValidUntil.isPresent() && tokenValidUntil.get().isBefore(end)) {
            end = tokenValidUntil.get();
        }
        if (!end.isAfter(now)) {
            throw new IllegalArgumentException("the token is no longer valid");
        }
        SignInSession session = new SignInSession(digest(id), holder, actor, randomToken(), now, now, end, credential);
        sessions.open(session, now.minus(idle), now, now.minus(absolute));
        return new Opened(id, session);
    }

    @Override
    public Optional<SignInSession> find(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        // The absolute expiry as configured now: a shortened one ends sessions opened under the longer one (session 49).
        return sessions.touch(digest(id), now, now.minus(idle), now.minus(absolute));
    }

    @Override
    public void close(String id) {
        if (id != null && ID.matcher(id).matches()) {
            sessions.close(digest(id));
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String digest(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
