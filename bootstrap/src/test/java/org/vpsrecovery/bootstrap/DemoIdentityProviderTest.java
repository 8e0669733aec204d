package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.http.facade.JwtBearerTokens;
import org.vpsrecovery.adapters.http.facade.JwtSettings;
import org.vpsrecovery.domain.common.TeamId;

/** The embedded default's identity provider: its settings pass the start-up checks and its demo tokens verify (ADR 0034). */
class DemoIdentityProviderTest {

    @Test
    void theDemoPeoplesTokensVerifyAgainstTheJwksItServesOnLoopback() {
        try (DemoIdentityProvider idp = DemoIdentityProvider.start()) {
            JwtSettings settings = ConfiguredIdentityProvider.fromSettings(relative(idp)).orElseThrow();
            JwtBearerTokens tokens = JwtBearerTokens.of(settings, Set.of(new TeamId("demo"), new TeamId("other-team")));

            for (String person : DemoIdentityProvider.DEMO_PEOPLE) {
                assertThat(tokens.authenticate(idp.tokenFor(person, "demo"), Optional.empty()))
                        .as(person).isInstanceOf(JwtBearerTokens.Verdict.Accepted.class);
            }
            assertThat(tokens.authenticate(idp.tokenFor("alice", "demo"), Optional.of("other-team")))
                    .isInstanceOf(JwtBearerTokens.Verdict.NotEntitled.class);
            assertThat(settings.jwksUrl().getHost()).isEqualTo("127.0.0.1");
        }
    }

    private static java.util.Map<String, Object> relative(DemoIdentityProvider idp) {
        java.util.Map<String, Object> settings = new java.util.LinkedHashMap<>();
        idp.properties().forEach((key, value) -> settings.put(key.substring(ConfiguredIdentityProvider.PREFIX.length() + 1), value));
        return settings;
    }
}
