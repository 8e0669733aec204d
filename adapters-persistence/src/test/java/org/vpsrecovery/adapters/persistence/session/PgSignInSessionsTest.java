package org.vpsrecovery.adapters.persistence.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.session.SessionHolder;
import org.vpsrecovery.domain.session.SignInSession;

/** Two adapters over one database: a session opened through one instance is found through another. */
class PgSignInSessionsTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Duration IDLE = Duration.ofMinutes(30);
    private static final Duration ABSOLUTE = Duration.ofHours(8);
    private static final String CSRF = "c".repeat(43);

    private final PgSignInSessions one = new PgSignInSessions(DATABASE.dataSource());
    private final PgSignInSessions other = new PgSignInSessions(DATABASE.dataSource());

    private static String digest(char c) {
        return String.valueOf(c).repeat(64);
    }

    private void open(String digest, SessionHolder holder, Actor actor, Instant at) {
        open(digest, holder, actor, at, at.plus(ABSOLUTE));
    }

    private void open(String digest, SessionHolder holder, Actor actor, Instant at, Instant expiresAt) {
        one.open(new SignInSession(digest, holder, actor, CSRF, at, at, expiresAt, java.util.Optional.empty()), at.minus(IDLE), at, at.minus(ABSOLUTE));
    }

    private java.util.Optional<SignInSession> touch(PgSignInSessions through, String digest, Instant now) {
        return through.touch(digest, now, now.minus(IDLE), now.minus(ABSOLUTE));
    }

    @Test
    void aSessionOpenedOnOneInstanceIsFoundOnAnotherWithWhoSignedIn() {
        Actor alice = Actor.of("alice", Actor.Authentication.JWT, "key-1");
        open(digest('a'), new SessionHolder.Team(new TeamId("demo")), alice, T0);

        SignInSession found = touch(other, digest('a'), T0.plusSeconds(60)).orElseThrow();

        assertThat(found.holder()).isEqualTo(new SessionHolder.Team(new TeamId("demo")));
        assertThat(found.actor()).isEqualTo(alice);
        assertThat(found.csrfToken()).isEqualTo(CSRF);
        assertThat(found.createdAt()).isEqualTo(T0);
        assertThat(found.lastSeenAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(found.expiresAt()).isEqualTo(T0.plus(ABSOLUTE));
        assertThat(found.credential()).isEmpty();
    }

    @Test
    void aServiceTokensSessionKeepsTheFingerprintOfItsConfiguredDigest() {
        Actor service = Actor.of("demo/default", Actor.Authentication.SERVICE_TOKEN, "default");
        String fingerprint = "0123456789abcdef".repeat(4);
        one.open(new SignInSession(digest('8'), new SessionHolder.Team(new TeamId("demo")), service, CSRF, T0, T0,
                T0.plus(ABSOLUTE), java.util.Optional.of(fingerprint)), T0.minus(IDLE), T0, T0.minus(ABSOLUTE));

        SignInSession found = touch(other, digest('8'), T0.plusSeconds(1)).orElseThrow();

        assertThat(found.credential()).hasValue(fingerprint);
        assertThat(found.actor()).isEqualTo(service);
    }

    @Test
    void aSessionEndsWhenTheTokenItWasOpenedWithDoes() {
        Actor bob = Actor.of("bob", Actor.Authentication.JWT, "key-1");
        open(digest('7'), new SessionHolder.Team(new TeamId("demo")), bob, T0, T0.plus(Duration.ofMinutes(5)));

        assertThat(touch(one, digest('7'), T0.plus(Duration.ofMinutes(4)))).isPresent();
        assertThat(touch(other, digest('7'), T0.plus(Duration.ofMinutes(5)))).as("at the token's end").isEmpty();
    }

    @Test
    void useKeepsASessionAliveUntilItsAbsoluteExpiryButIdlenessEndsIt() {
        Actor auditor = Actor.of("compliance", Actor.Authentication.AUDITOR_TOKEN, null);
        open(digest('b'), new SessionHolder.Auditor("compliance"), auditor, T0);
        open(digest('c'), new SessionHolder.Auditor("compliance"), auditor, T0);

        Instant at = T0;
        for (int i = 0; i < 15; i++) {
            at = at.plus(Duration.ofMinutes(29));
            assertThat(touch(one, digest('b'), at)).as("used every 29 minutes, at %s", at).isPresent();
        }
        assertThat(touch(one, digest('b'), T0.plus(ABSOLUTE).plusSeconds(1))).as("past the absolute expiry").isEmpty();
        assertThat(touch(other, digest('c'), T0.plus(IDLE).plusSeconds(1))).as("idle past 30 minutes").isEmpty();
    }

    @Test
    void signingOutEndsTheSessionEverywhereAndExpiredOnesGoAtTheNextSignIn() {
        Actor service = Actor.of("demo/ci", Actor.Authentication.SERVICE_TOKEN, "ci");
        open(digest('d'), new SessionHolder.Team(new TeamId("demo")), service, T0);
        open(digest('e'), new SessionHolder.Team(new TeamId("demo")), service, T0);

        other.close(digest('d'));
        other.close(digest('9'));
        open(digest('f'), new SessionHolder.Team(new TeamId("demo")), service, T0.plus(Duration.ofHours(9)));

        assertThat(touch(one, digest('d'), T0.plusSeconds(1))).isEmpty();
        assertThat(touch(one, digest('e'), T0.plusSeconds(1))).as("purged as expired when 'f' signed in").isEmpty();
        assertThat(touch(one, digest('f'), T0.plus(Duration.ofHours(9)))).isPresent();
    }

    /**
     * An absolute expiry shortened by the operator ends the sessions opened under the longer one: each stores the end
     * it was given, and only that was checked, so an 8 h session outlived a restart with 1 h (session 49).
     */
    @Test
    void aShortenedAbsoluteExpiryEndsSessionsOpenedUnderTheLongerOne() {
        Actor carol = Actor.of("carol", Actor.Authentication.JWT, "key-1");
        open(digest('1'), new SessionHolder.Team(new TeamId("demo")), carol, T0);
        // Used every 25 minutes: never idle past 30.
        for (int minutes = 25; minutes <= 75; minutes += 25) {
            assertThat(touch(one, digest('1'), T0.plus(Duration.ofMinutes(minutes)))).isPresent();
        }
        open(digest('2'), new SessionHolder.Team(new TeamId("demo")), carol, T0.plus(Duration.ofMinutes(90)));
        Duration shortened = Duration.ofHours(1);
        Instant now = T0.plus(Duration.ofMinutes(100));

        assertThat(other.touch(digest('1'), now, now.minus(IDLE), now.minus(shortened)))
                .as("opened 100 minutes ago, stored end 8 h, the expiry now 1 h").isEmpty();
        assertThat(other.touch(digest('2'), now, now.minus(IDLE), now.minus(shortened)))
                .as("opened 10 minutes ago").isPresent();
    }
}
