package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import io.micronaut.http.HttpRequest;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.TeamId;

/**
 * Each {@code /api/} request passes exactly one of the two authentication filters (ADR 0042): the
 * event loop's for service and auditor tokens (and for none), the blocking executor's for a token
 * that may be a person's JWT while people may sign in.
 */
class AuthenticationFilterSplitTest {

    private static final TeamId TEAM = new TeamId("payments");
    private static final String TEAM_TOKEN = "team-token-for-the-split";
    private static final String JWT_SHAPED = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

    private static CallerAuthenticationFilter callers(JwtBearerTokens people) {
        return new CallerAuthenticationFilter(new HashedTeamTokens(Map.of(TEAM, HashedTeamTokens.sha256Hex(TEAM_TOKEN))),
                new HashedAuditorTokens(Map.of()), people);
    }

    private static JwtBearerTokens peopleSignIn() {
        // Never fetched here: only the filters' choice is looked at.
        return JwtBearerTokens.of(new JwtSettings("https://id.example", "vps-recovery",
                URI.create("http://127.0.0.1:9/jwks"), Set.of(JWSAlgorithm.RS256), Duration.ofSeconds(30),
                "teams", "role", "member", "auditor"), Set.of(TEAM));
    }

    @Test
    void aServiceTokenOrNoneIsCheckedOnTheEventLoopOnly() {
        CallerAuthenticationFilter callers = callers(peopleSignIn());
        PersonAuthenticationFilter persons = new PersonAuthenticationFilter(callers);

        for (HttpRequest<?> request : new HttpRequest<?>[] {
                HttpRequest.GET("/api/v1/snapshots/").bearerAuth(TEAM_TOKEN),
                HttpRequest.GET("/api/v1/snapshots/")}) {
            assertThat(callers.isEnabled(request)).isTrue();
            assertThat(persons.isEnabled(request)).isFalse();
        }
    }

    @Test
    void aJwtShapedTokenGoesToTheBlockingExecutorOnlyWhilePeopleMaySignIn() {
        HttpRequest<?> request = HttpRequest.GET("/api/v1/snapshots/").bearerAuth(JWT_SHAPED);
        CallerAuthenticationFilter withPeople = callers(peopleSignIn());
        CallerAuthenticationFilter withoutPeople = callers(JwtBearerTokens.disabled());

        assertThat(withPeople.isEnabled(request)).isFalse();
        assertThat(new PersonAuthenticationFilter(withPeople).isEnabled(request)).isTrue();
        assertThat(withoutPeople.isEnabled(request)).isTrue();
        assertThat(new PersonAuthenticationFilter(withoutPeople).isEnabled(request)).isFalse();
        // Refused on the event loop as any unknown token is, with nothing to fetch.
        assertThat(withoutPeople.decide(request).code()).isEqualTo(401);
    }

    @Test
    void bothRunAtTheSameOrder() {
        CallerAuthenticationFilter callers = callers(JwtBearerTokens.disabled());

        assertThat(new PersonAuthenticationFilter(callers).getOrder()).isEqualTo(callers.getOrder());
    }
}
