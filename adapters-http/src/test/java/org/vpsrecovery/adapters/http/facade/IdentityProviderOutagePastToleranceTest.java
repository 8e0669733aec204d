package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
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
 * An identity provider down for longer than the outage tolerance (ADR 0034, amended in session 49): once the last good
 * keys are gone, a valid token is the provider's outage (503) on every check, also those the JWKS rate limit keeps from
 * asking the provider again, never a 401 as if no key of the provider had signed it.
 */
class IdentityProviderOutagePastToleranceTest {

    /** Keys kept 2 s (the rate limit's interval is half of it), and the last good ones serve no longer in an outage. */
    private static final Duration CACHE = Duration.ofSeconds(2);

    @RegisterExtension
    static final LoopbackIdentityProvider IDENTITY_PROVIDER = new LoopbackIdentityProvider();

    @Test
    void pastTheOutageToleranceEveryCheckOfAValidTokenIsUnavailableNeverRefused() throws JOSEException {
        CallerAuthenticationFilter callers = new CallerAuthenticationFilter(new HashedTeamTokens(Map.of()),
                new HashedAuditorTokens(Map.of()), IDENTITY_PROVIDER.people(Set.of(new TeamId("payments")), CACHE, CACHE));
        String alice = IDENTITY_PROVIDER.signed(new JWTClaimsSet.Builder().subject("alice").claim("role", "member")
                .claim("teams", "payments").expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(10)))));
        assertThat(callers.identify(alice, Optional.empty()).caller()).as("keys fetched").isPresent();

        IDENTITY_PROVIDER.serving(false);
        // The kept keys serve until the cache and the tolerance have both passed; then the provider's outage shows.
        await("the kept keys gone").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            CallerAuthenticationFilter.Identified identified = callers.identify(alice, Optional.empty());
            assertThat(identified.caller().isPresent() || identified.keysUnavailable().isPresent())
                    .as("never refused: %s", identified.refusal()).isTrue();
            return identified.keysUnavailable().isPresent();
        });
        // Checked again at once: the rate limit keeps the JWKS from being asked every time, and each is still 503.
        await("a check the rate limit kept from the JWKS").atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(10)).until(() -> {
                    int asked = IDENTITY_PROVIDER.refusals();
                    CallerAuthenticationFilter.Identified identified = callers.identify(alice, Optional.empty());
                    assertThat(identified.keysUnavailable()).as("the provider's outage, not the caller's fault: %s",
                            identified.refusal()).isPresent();
                    return IDENTITY_PROVIDER.refusals() == asked;
                });

        IDENTITY_PROVIDER.serving(true);
        await("the keys fetched again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> callers.identify(alice, Optional.empty()).caller().isPresent());
    }
}
