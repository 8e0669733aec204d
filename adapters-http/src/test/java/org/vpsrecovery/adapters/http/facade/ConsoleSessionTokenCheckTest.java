package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.session.SessionHolder;
import org.vpsrecovery.domain.session.SignInSession;

/**
 * A console session opened with a static token lasts only while that very token is configured (ADR 0041):
 * its id still there, valid now, and its digest the one signed in with; one opened with a person's JWT only while
 * people sign in and, for a member, its team is configured (ADR 0041, amended in session 39). The session is opened from what
 * {@link CallerAuthenticationFilter#identify} answered for the token, as the console's sign-in does.
 */
class ConsoleSessionTokenCheckTest {

    private static final TeamId TEAM = new TeamId("payments");
    private static final Instant NOW = Instant.parse("2026-12-01T06:00:00Z");
    private static final String OLD = "payments-old-token-value";
    private static final String NEW = "payments-new-token-value";
    private static final String AUDITOR = "auditor-token-value";

    private static CallerAuthenticationFilter configured(List<ServiceToken> tokens, Map<String, String> auditors) {
        return new CallerAuthenticationFilter(new HashedTeamTokens(tokens, Clock.fixed(NOW, ZoneOffset.UTC)),
                new HashedAuditorTokens(auditors), JwtBearerTokens.disabled());
    }

    private static ServiceToken token(String id, String secret, Optional<Instant> notAfter) {
        return new ServiceToken(TEAM, id, HashedTeamTokens.sha256Hex(secret), notAfter);
    }

    /** The session the console opens for a token, from the filter's own answer. */
    private static SignInSession signIn(CallerAuthenticationFilter filter, String token) {
        CallerAuthenticationFilter.Identified identified = filter.identify(token, Optional.empty());
        Caller caller = identified.caller().orElseThrow();
        SessionHolder holder = switch (caller) {
            case Caller.Team t -> new SessionHolder.Team(t.team());
            case Caller.Auditor a -> new SessionHolder.Auditor(a.auditor().name().value());
        };
        return new SignInSession("a".repeat(64), holder, caller.actor(), "c".repeat(43), NOW, NOW,
                NOW.plusSeconds(3600), identified.credential());
    }

    @Test
    void aSessionLastsWhileItsServiceTokenIsConfiguredAndEndsWhenItIsRemoved() {
        CallerAuthenticationFilter before = configured(List.of(token("old", OLD, Optional.empty())), Map.of());
        SignInSession session = signIn(before, OLD);
        assertThat(session.credential()).hasValueSatisfying(f -> assertThat(f).matches("[0-9a-f]{64}")
                .isNotEqualTo(HashedTeamTokens.sha256Hex(OLD)));
        assertThat(before.stillHonours(session)).isTrue();

        // Rotated: the new token added, the old one removed from the configuration.
        CallerAuthenticationFilter after = configured(List.of(token("new", NEW, Optional.empty())), Map.of());

        assertThat(after.stillHonours(session)).isFalse();
        assertThat(after.stillHonours(signIn(after, NEW))).isTrue();
    }

    @Test
    void aTokenReplacedUnderTheSameIdEndsTheSessionsOfTheOldOne() {
        SignInSession session = signIn(configured(List.of(token("ci", OLD, Optional.empty())), Map.of()), OLD);

        CallerAuthenticationFilter replaced = configured(List.of(token("ci", NEW, Optional.empty())), Map.of());

        assertThat(replaced.stillHonours(session)).isFalse();
    }

    @Test
    void aTokenPastItsNotAfterIsNoLongerHonoured() {
        SignInSession session = signIn(configured(List.of(token("ci", OLD, Optional.of(NOW.plusSeconds(60)))), Map.of()), OLD);

        CallerAuthenticationFilter expired = configured(List.of(token("ci", OLD, Optional.of(NOW.minusSeconds(1)))), Map.of());

        assertThat(expired.stillHonours(session)).isFalse();
    }

    @Test
    void aSessionWithoutAFingerprintIsCheckedByItsTokenIdAlone() {
        // Sessions opened before fingerprints were kept (V30): the token's id must still be configured.
        CallerAuthenticationFilter filter = configured(List.of(token("ci", OLD, Optional.empty())), Map.of());
        SignInSession withFingerprint = signIn(filter, OLD);
        SignInSession older = new SignInSession(withFingerprint.idDigest(), withFingerprint.holder(), withFingerprint.actor(),
                withFingerprint.csrfToken(), NOW, NOW, NOW.plusSeconds(3600), Optional.empty());

        assertThat(filter.stillHonours(older)).isTrue();
        assertThat(configured(List.of(token("other", OLD, Optional.empty())), Map.of()).stillHonours(older)).isFalse();
    }

    @Test
    void anAuditorsSessionEndsWhenTheAuditorOrItsTokenIsRemoved() {
        CallerAuthenticationFilter before = configured(List.of(), Map.of("compliance", HashedTeamTokens.sha256Hex(AUDITOR)));
        SignInSession session = signIn(before, AUDITOR);
        assertThat(before.stillHonours(session)).isTrue();

        assertThat(configured(List.of(), Map.of()).stillHonours(session)).isFalse();
        assertThat(configured(List.of(), Map.of("compliance", HashedTeamTokens.sha256Hex("another-auditor-token")))
                .stillHonours(session)).isFalse();
    }

    @Test
    void aPersonsSessionIsNotCheckedAgainstTheStaticTokens() throws Exception {
        SignInSession person = signIn(withPeople(Set.of(TEAM)), member("alice", TEAM));

        assertThat(person.actor().authentication()).isEqualTo(Actor.Authentication.JWT);
        assertThat(withPeople(Set.of(TEAM)).stillHonours(person)).isTrue();
    }

    /**
     * Turning people's sign-in off (no {@code vpsr.identity.jwt.*}) makes the API refuse their JWTs after a restart;
     * the sessions they opened before end too, rather than serving pages until their idle or absolute end.
     */
    @Test
    void aPersonsSessionEndsOncePeopleNoLongerSignIn() throws Exception {
        SignInSession member = signIn(withPeople(Set.of(TEAM)), member("alice", TEAM));
        SignInSession auditor = signIn(withPeople(Set.of(TEAM)), auditor("carol"));

        CallerAuthenticationFilter peopleOff = configured(List.of(), Map.of());

        assertThat(peopleOff.stillHonours(member)).isFalse();
        assertThat(peopleOff.stillHonours(auditor)).isFalse();
    }

    /** A team dropped from the teams file: its members' sessions end; an auditor's, which holds no team, lasts. */
    @Test
    void aMembersSessionEndsOnceItsTeamIsNoLongerConfigured() throws Exception {
        SignInSession member = signIn(withPeople(Set.of(TEAM, OTHER)), member("alice", TEAM));
        SignInSession auditor = signIn(withPeople(Set.of(TEAM, OTHER)), auditor("carol"));

        CallerAuthenticationFilter withoutTheTeam = withPeople(Set.of(OTHER));

        assertThat(withoutTheTeam.stillHonours(member)).isFalse();
        assertThat(withoutTheTeam.stillHonours(auditor)).isTrue();
        assertThat(withoutTheTeam.stillHonours(signIn(withoutTheTeam, member("bob", OTHER)))).isTrue();
    }

    private static final TeamId OTHER = new TeamId("ledger");

    /** The identity provider's keys, served on loopback: the sessions are opened by the filter's own check of a JWT. */
    @RegisterExtension
    static final LoopbackIdentityProvider IDENTITY_PROVIDER = new LoopbackIdentityProvider();

    /** People sign in, members of {@code teams} (the teams file's), besides no static token. */
    private static CallerAuthenticationFilter withPeople(Set<TeamId> teams) {
        return new CallerAuthenticationFilter(new HashedTeamTokens(List.of(), Clock.fixed(NOW, ZoneOffset.UTC)),
                new HashedAuditorTokens(Map.of()), IDENTITY_PROVIDER.people(teams));
    }

    private static String member(String subject, TeamId team) throws JOSEException {
        return jwt(subject, "member", List.of(team.value()));
    }

    private static String auditor(String subject) throws JOSEException {
        return jwt(subject, "auditor", List.of());
    }

    private static String jwt(String subject, String role, List<String> teams) throws JOSEException {
        Instant now = Instant.now();
        return IDENTITY_PROVIDER.signed(new JWTClaimsSet.Builder().subject(subject)
                .claim("role", role).claim("teams", teams).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600))));
    }
}
