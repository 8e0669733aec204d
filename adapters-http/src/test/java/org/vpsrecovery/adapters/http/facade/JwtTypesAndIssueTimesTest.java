package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.domain.common.TeamId;

/**
 * A JWT's type and issue time (ADR 0034, amended in session 49): RFC 9068's {@code at+jwt} access tokens are taken as
 * {@code JWT} and untyped ones are, any other type refused with its own words; a token issued in the future (beyond the
 * clock skew of 30 s) is refused, and with a lifetime cap, one without {@code iat} or living longer. Checked against a
 * JWKS served on loopback.
 */
class JwtTypesAndIssueTimesTest {

    @RegisterExtension
    static final LoopbackIdentityProvider IDENTITY_PROVIDER = new LoopbackIdentityProvider();

    private static final Set<TeamId> TEAMS = Set.of(new TeamId("payments"));

    private static CallerAuthenticationFilter callers(JwtBearerTokens people) {
        return new CallerAuthenticationFilter(new HashedTeamTokens(Map.of()), new HashedAuditorTokens(Map.of()), people);
    }

    private static JWTClaimsSet.Builder member(Instant issuedAt, Duration lifetime) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject("alice").claim("role", "member")
                .claim("teams", "payments").expirationTime(Date.from(Instant.now().plus(lifetime)));
        return issuedAt == null ? claims : claims.issueTime(Date.from(issuedAt));
    }

    @Test
    void anAccessTokenTypedAtJwtIsAcceptedAsJwtAndUntypedAreAnyOtherTypeIsRefused() throws JOSEException {
        CallerAuthenticationFilter callers = callers(IDENTITY_PROVIDER.people(TEAMS));
        Instant now = Instant.now();

        for (JOSEObjectType accepted : new JOSEObjectType[] {JOSEObjectType.JWT, JwtBearerTokens.AT_JWT, null}) {
            CallerAuthenticationFilter.Identified identified = callers.identify(
                    IDENTITY_PROVIDER.signed(accepted, member(now, Duration.ofMinutes(5))), Optional.empty());
            assertThat(identified.caller()).as("typ %s: %s", accepted, identified.refusal()).isPresent();
        }
        CallerAuthenticationFilter.Identified refused = callers.identify(
                IDENTITY_PROVIDER.signed(new JOSEObjectType("secevent+jwt"), member(now, Duration.ofMinutes(5))),
                Optional.empty());
        assertThat(refused.caller()).isEmpty();
        assertThat(refused.refusal()).isEqualTo(JwtBearerTokens.TYPE_NOT_ACCEPTED);
    }

    @Test
    void aTokenIssuedInTheFutureBeyondTheSkewIsRefusedWithinItAccepted() throws JOSEException {
        CallerAuthenticationFilter callers = callers(IDENTITY_PROVIDER.people(TEAMS));
        Instant now = Instant.now();

        CallerAuthenticationFilter.Identified future = callers.identify(
                IDENTITY_PROVIDER.signed(member(now.plus(Duration.ofMinutes(10)), Duration.ofMinutes(20))), Optional.empty());
        CallerAuthenticationFilter.Identified withinSkew = callers.identify(
                IDENTITY_PROVIDER.signed(member(now.plusSeconds(5), Duration.ofMinutes(20))), Optional.empty());
        CallerAuthenticationFilter.Identified noIssueTime = callers.identify(
                IDENTITY_PROVIDER.signed(member(null, Duration.ofDays(2))), Optional.empty());

        assertThat(future.caller()).isEmpty();
        assertThat(future.refusal()).isEqualTo(JwtBearerTokens.ISSUED_IN_THE_FUTURE);
        assertThat(withinSkew.caller()).as(withinSkew.refusal()).isPresent();
        assertThat(noIssueTime.caller()).as("no cap: iat is not required").isPresent();
    }

    @Test
    void withALifetimeCapALongerLivedTokenOrOneWithoutIssueTimeIsRefused() throws JOSEException {
        CallerAuthenticationFilter callers = callers(IDENTITY_PROVIDER.people(TEAMS, JwtSettings.DEFAULT_JWKS_CACHE_TTL,
                JwtSettings.DEFAULT_JWKS_OUTAGE_TOLERANCE, Optional.of(Duration.ofHours(1))));
        Instant now = Instant.now();

        CallerAuthenticationFilter.Identified shortLived = callers.identify(
                IDENTITY_PROVIDER.signed(member(now, Duration.ofMinutes(59))), Optional.empty());
        CallerAuthenticationFilter.Identified longLived = callers.identify(
                IDENTITY_PROVIDER.signed(member(now, Duration.ofHours(2))), Optional.empty());
        CallerAuthenticationFilter.Identified noIssueTime = callers.identify(
                IDENTITY_PROVIDER.signed(member(null, Duration.ofMinutes(5))), Optional.empty());

        assertThat(shortLived.caller()).as(shortLived.refusal()).isPresent();
        assertThat(longLived.caller()).isEmpty();
        assertThat(longLived.refusal()).isEqualTo(JwtBearerTokens.LIFETIME_TOO_LONG);
        assertThat(noIssueTime.caller()).isEmpty();
        assertThat(noIssueTime.refusal()).isEqualTo(JwtBearerTokens.NO_ISSUE_TIME);
    }
}
