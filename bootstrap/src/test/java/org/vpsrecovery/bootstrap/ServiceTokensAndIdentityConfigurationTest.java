package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;
import org.vpsrecovery.adapters.http.facade.JwtSettings;
import org.vpsrecovery.adapters.http.facade.ServiceToken;
import org.vpsrecovery.domain.common.TeamId;

/** Service tokens per team with ids and not-afters, and the identity provider's settings, checked before start (ADR 0034). */
class ServiceTokensAndIdentityConfigurationTest {

    private static final TeamId PAYMENTS = new TeamId("payments");

    @Test
    void theSingleTokenIsTheDefaultOneAndMoreTokensCarryIdsAndNotAfters() {
        ConfiguredTeams teams = ConfiguredTeams.fromSettings(Map.of(
                "payments.token-sha256", HashedTeamTokens.sha256Hex("old-style"),
                "payments.tokens.ci-2027.sha256", HashedTeamTokens.sha256Hex("ci-2027"),
                "payments.tokens.ci-2026.sha256", HashedTeamTokens.sha256Hex("ci-2026"),
                "payments.tokens.ci-2026.not-after", "2027-01-15T00:00:00Z",
                "payments.servers", "1"));

        assertThat(teams.serviceTokens()).extracting(ServiceToken::id).containsExactlyInAnyOrder("default", "ci-2027", "ci-2026");
        assertThat(teams.tokenDigests()).containsOnlyKeys(PAYMENTS);
        Clock before = Clock.fixed(Instant.parse("2027-01-14T23:59:59Z"), ZoneOffset.UTC);
        Clock after = Clock.offset(before, Duration.ofSeconds(2));
        assertThat(new HashedTeamTokens(teams.serviceTokens(), before).authenticate("ci-2026"))
                .map(ServiceToken::subject).contains("payments/ci-2026");
        assertThat(new HashedTeamTokens(teams.serviceTokens(), after).authenticate("ci-2026")).isEmpty();
        assertThat(new HashedTeamTokens(teams.serviceTokens(), after).authenticate("ci-2027")).map(ServiceToken::id).contains("ci-2027");
        assertThat(new HashedTeamTokens(teams.serviceTokens(), after).authenticate("old-style")).map(ServiceToken::id).contains("default");
    }

    /** docs/deploy.md's rotation: the single token-sha256 (id default) is given its not-after like any other. */
    @Test
    void theSingleTokenIsRotatedOutWithItsIdsNotAfter() {
        ConfiguredTeams teams = ConfiguredTeams.fromSettings(Map.of(
                "payments.token-sha256", HashedTeamTokens.sha256Hex("first"),
                "payments.tokens.default.not-after", "2027-01-15T00:00:00Z",
                "payments.tokens.second.sha256", HashedTeamTokens.sha256Hex("second"),
                "payments.servers", "1"));

        assertThat(teams.serviceTokens()).extracting(ServiceToken::id).containsExactlyInAnyOrder("default", "second");
        Clock before = Clock.fixed(Instant.parse("2027-01-14T23:59:59Z"), ZoneOffset.UTC);
        Clock after = Clock.offset(before, Duration.ofSeconds(2));
        assertThat(new HashedTeamTokens(teams.serviceTokens(), before).authenticate("first"))
                .map(ServiceToken::subject).contains("payments/default");
        assertThat(new HashedTeamTokens(teams.serviceTokens(), after).authenticate("first")).isEmpty();
        assertThat(new HashedTeamTokens(teams.serviceTokens(), after).authenticate("second")).map(ServiceToken::id)
                .contains("second");
        assertThatThrownBy(() -> ConfiguredTeams.fromSettings(Map.of("payments.token-sha256", HashedTeamTokens.sha256Hex("first"),
                "payments.tokens.default.not-after", "soon")))
                .hasMessageContaining("vpsr.teams.payments.tokens.default.not-after must be an instant");
    }

    @Test
    void aTeamWithOnlyNamedTokensNeedsNoSingleToken() {
        ConfiguredTeams teams = ConfiguredTeams.fromSettings(Map.of(
                "payments.tokens.ci.sha256", HashedTeamTokens.sha256Hex("ci"), "payments.servers", "1"));

        assertThat(teams.serviceTokens()).singleElement().extracting(ServiceToken::notAfter).isEqualTo(Optional.empty());
        assertThat(teams.tokenDigests()).isEmpty();
    }

    @Test
    void oneTokenDigestUnderTwoKeysIsRefusedNamingBothKeysNotTheDigest() {
        String digest = HashedTeamTokens.sha256Hex("shared-token");
        assertThatThrownBy(() -> ConfiguredTeams.fromSettings(Map.of("payments.tokens.ci-2026.sha256", digest,
                "payments.tokens.ci-2027.sha256", digest.toUpperCase(java.util.Locale.ROOT),
                "payments.tokens.ci-2026.not-after", "2020-01-01T00:00:00Z")))
                .hasMessageContaining("vpsr.teams.payments.tokens.ci-2026.sha256")
                .hasMessageContaining("vpsr.teams.payments.tokens.ci-2027.sha256")
                .hasMessageContaining("same token digest")
                .message().doesNotContainIgnoringCase(digest);
        assertThatThrownBy(() -> ConfiguredTeams.fromSettings(Map.of("payments.token-sha256", digest,
                "billing.tokens.ci.sha256", digest)))
                .hasMessageContaining("vpsr.teams.billing.tokens.ci.sha256")
                .hasMessageContaining("vpsr.teams.payments.token-sha256");
        assertThatThrownBy(() -> ConfiguredAuditors.from(ConfiguredTeams.relativeTo("vpsr.auditors",
                Map.of("compliance.token-sha256", digest, "security.token-sha256", digest))))
                .hasMessageContaining("vpsr.auditors.compliance.token-sha256")
                .hasMessageContaining("vpsr.auditors.security.token-sha256");
        ConfiguredTeams teams = ConfiguredTeams.fromSettings(Map.of("payments.token-sha256", digest));
        ConfiguredAuditors auditors = ConfiguredAuditors.from(ConfiguredTeams.relativeTo("vpsr.auditors",
                Map.of("compliance.token-sha256", digest)));
        assertThatThrownBy(() -> ConfiguredTeams.refuseSharedDigests(teams, auditors))
                .hasMessageContaining("vpsr.teams.payments.token-sha256")
                .hasMessageContaining("vpsr.auditors.compliance.token-sha256");
    }

    @Test
    void wrongTokenSettingsAreRefusedByName() {
        String digest = "a".repeat(64);
        assertThatThrownBy(() -> ConfiguredTeams.fromSettings(Map.of("payments.servers", "1")))
                .hasMessageContaining("vpsr.teams.payments.token-sha256 is required");
        assertThatThrownBy(() -> ConfiguredTeams.fromSettings(Map.of("payments.tokens.ci.not-after", "2027-01-01T00:00:00Z")))
                .hasMessageContaining("vpsr.teams.payments.tokens.ci.sha256 is required");
        assertThatThrownBy(() -> ConfiguredTeams.fromSettings(Map.of("payments.tokens.ci.sha256", digest,
                "payments.tokens.ci.not-after", "next tuesday")))
                .hasMessageContaining("vpsr.teams.payments.tokens.ci.not-after must be an instant");
        assertThatThrownBy(() -> ConfiguredTeams.fromSettings(Map.of("payments.tokens.ci.sha256", "not-hex")))
                .hasMessageContaining("vpsr.teams.payments.tokens.ci.sha256 must be 64 hex characters");
        assertThatThrownBy(() -> ConfiguredTeams.fromSettings(Map.of("payments.tokens.ci.secret", digest)))
                .hasMessageContaining("vpsr.teams.payments.tokens.ci.secret is not a team setting");
        assertThatThrownBy(() -> ConfiguredTeams.fromSettings(Map.of("payments.token-sha256", digest,
                "payments.tokens.default.sha256", "b".repeat(64))))
                .hasMessageContaining("the id default is the one");
        assertThatThrownBy(() -> ConfiguredTeams.fromSettings(Map.of("auditors.token-sha256", digest)))
                .hasMessageContaining("the name auditors is reserved");
    }

    @Test
    void noIdentityProviderUnlessConfiguredAndThenItsRequiredKeys() {
        assertThat(ConfiguredIdentityProvider.fromSettings(Map.of())).isEmpty();

        JwtSettings settings = ConfiguredIdentityProvider.fromSettings(Map.of("issuer", "https://idp.example",
                "audience", "vps-recovery", "jwks-url", "https://idp.example/jwks")).orElseThrow();

        assertThat(settings.algorithms()).containsExactlyInAnyOrderElementsOf(JwtSettings.ALLOWED);
        assertThat(settings.clockSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.teamsClaim()).isEqualTo("vpsr_teams");
        assertThat(settings.roleClaim()).isEqualTo("vpsr_role");
        assertThatThrownBy(() -> ConfiguredIdentityProvider.fromSettings(Map.of("issuer", "https://idp.example")))
                .hasMessageContaining("vpsr.identity.jwt.audience is required");
    }

    @Test
    void aWeakOrWrongIdentityProviderSettingStopsTheStart() {
        Map<String, String> good = Map.of("issuer", "https://idp.example", "audience", "a", "jwks-url", "https://idp.example/jwks");
        assertThatThrownBy(() -> ConfiguredIdentityProvider.fromSettings(with(good, "algorithms", "HS256")))
                .hasMessageContaining("HS256 is not accepted");
        assertThatThrownBy(() -> ConfiguredIdentityProvider.fromSettings(with(good, "algorithms", "none")))
                .hasMessageContaining("is not accepted");
        assertThatThrownBy(() -> ConfiguredIdentityProvider.fromSettings(with(good, "jwks-url", "http://idp.example/jwks")))
                .hasMessageContaining("https");
        assertThatThrownBy(() -> ConfiguredIdentityProvider.fromSettings(with(good, "clock-skew", "10m")))
                .hasMessageContaining("clock skew");
        assertThatThrownBy(() -> ConfiguredIdentityProvider.fromSettings(with(good, "groups-claim", "groups")))
                .hasMessageContaining("vpsr.identity.jwt.groups-claim is not an identity provider setting");
        assertThat(ConfiguredIdentityProvider.fromSettings(with(good, "jwks-url", "http://127.0.0.1:8081/jwks"))).isPresent();
    }

    private static Map<String, String> with(Map<String, String> settings, String key, String value) {
        Map<String, String> changed = new java.util.HashMap<>(settings);
        changed.put(key, value);
        return changed;
    }
}
