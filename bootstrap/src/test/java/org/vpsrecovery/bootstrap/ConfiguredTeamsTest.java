package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.RecoveryLimits;
import org.vpsrecovery.domain.server.ServerId;

class ConfiguredTeamsTest {

    private static ConfiguredTeams teams(Map<String, Object> properties) {
        try (ApplicationContext context = ApplicationContext.builder().properties(properties).build()) {
            context.getEnvironment().start();
            return ConfiguredTeams.from(context.getEnvironment());
        }
    }

    private static final String DIGEST = "a".repeat(64);

    @Test
    void readsServersAndLowerLimitsPerTeam() {
        ConfiguredTeams teams = teams(Map.of(
                "vpsr.teams.payments.token-sha256", DIGEST,
                "vpsr.teams.payments.servers", "12345, 12346",
                "vpsr.teams.payments.snapshots-per-server", 3,
                "vpsr.teams.search.token-sha256", "b".repeat(64),
                "vpsr.teams.search.servers", "23456"));

        assertThat(teams.serversOf(new TeamId("payments"))).containsExactlyInAnyOrder(new ServerId(12345), new ServerId(12346));
        assertThat(teams.limitsFor(new TeamId("payments"))).isEqualTo(new RecoveryLimits(3, 10));
        assertThat(teams.limitsFor(new TeamId("search"))).isEqualTo(RecoveryLimits.PROVIDER_DOCUMENTED);
        assertThat(teams.serversOf(new TeamId("nobody"))).isEqualTo(Set.of());
        assertThat(teams.tokenDigests()).containsEntry(new TeamId("payments"), DIGEST);
    }

    @Test
    void serversMayBeAListAsInAYamlFileAndATeamsFileReadsTheSameWay() {
        ConfiguredTeams teams = teams(Map.of("vpsr.teams.payments.token-sha256", DIGEST,
                "vpsr.teams.payments.servers", java.util.List.of(12345, 12346)));
        ConfiguredTeams fromFile = ConfiguredTeams.fromSettings(Map.of("payments.token-sha256", DIGEST,
                "payments.servers", "12345,12346", "payments.manual-backups-per-server", "4"));

        assertThat(teams.serversOf(new TeamId("payments"))).containsExactlyInAnyOrder(new ServerId(12345), new ServerId(12346));
        assertThat(fromFile.serversOf(new TeamId("payments"))).isEqualTo(teams.serversOf(new TeamId("payments")));
        assertThat(fromFile.limitsFor(new TeamId("payments"))).isEqualTo(new RecoveryLimits(5, 4));
    }

    @Test
    void theSafetySnapshotSettingIsPerTeamOffUnlessSetAndRefusedWhenNotABoolean() {
        ConfiguredTeams teams = teams(Map.of(
                "vpsr.teams.payments.token-sha256", DIGEST, "vpsr.teams.payments.servers", "1",
                "vpsr.teams.payments.safety-snapshot", "true",
                "vpsr.teams.search.token-sha256", "b".repeat(64), "vpsr.teams.search.servers", "2",
                "vpsr.teams.labs.token-sha256", "c".repeat(64), "vpsr.teams.labs.servers", "3",
                "vpsr.teams.labs.safety-snapshot", "false"));

        assertThat(teams.takesSafetySnapshot(new TeamId("payments"))).isTrue();
        assertThat(teams.takesSafetySnapshot(new TeamId("search"))).isEqualTo(ConfiguredTeams.SAFETY_SNAPSHOT_BY_DEFAULT);
        assertThat(teams.takesSafetySnapshot(new TeamId("labs"))).isFalse();
        assertThat(teams.takesSafetySnapshot(new TeamId("nobody"))).isFalse();
        assertThatThrownBy(() -> teams(Map.of("vpsr.teams.a.token-sha256", DIGEST, "vpsr.teams.a.servers", "1",
                "vpsr.teams.a.safety-snapshot", "yes")))
                .hasMessageContaining("vpsr.teams.a.safety-snapshot must be true or false, was yes");
    }

    @Test
    void refusesNoTeamsSharedServersLimitsAboveTheProvidersAndBadValues() {
        assertThatThrownBy(() -> teams(Map.of())).hasMessageContaining("no team is configured");
        assertThatThrownBy(() -> teams(Map.of(
                "vpsr.teams.a.token-sha256", DIGEST, "vpsr.teams.a.servers", "1",
                "vpsr.teams.b.token-sha256", DIGEST, "vpsr.teams.b.servers", "1")))
                .hasMessageContaining("server 1 is given to both team a and team b");
        assertThatThrownBy(() -> teams(Map.of("vpsr.teams.a.token-sha256", DIGEST, "vpsr.teams.a.servers", "1",
                "vpsr.teams.a.snapshots-per-server", 6))).hasMessageContaining("provider's 5");
        assertThatThrownBy(() -> teams(Map.of("vpsr.teams.a.token-sha256", DIGEST, "vpsr.teams.a.servers", "x")))
                .hasMessageContaining("vpsr.teams.a.servers");
        assertThatThrownBy(() -> teams(Map.of("vpsr.teams.a.servers", "1"))).hasMessageContaining("token-sha256 is required");
        assertThatThrownBy(() -> teams(Map.of("vpsr.teams.a.token-sha256", DIGEST, "vpsr.teams.a.snapshots-per-server", "x")))
                .hasMessageContaining("vpsr.teams.a.snapshots-per-server must be a whole number");
    }

    @Test
    void aKeyThatIsNotATeamSettingIsRefusedNamedNeverTakenForATeam() {
        // VPSR_TEAMS_FILE read by Micronaut as a property: vpsr.teams.file, which once became a team "file".
        assertThatThrownBy(() -> teams(Map.of("vpsr.teams.demo.token-sha256", DIGEST, "vpsr.teams.file", "/etc/teams")))
                .hasMessageContaining("vpsr.teams.file is not a team setting");
        assertThatThrownBy(() -> teams(Map.of("vpsr.teams.demo.token-sha256", DIGEST, "vpsr.teams.demo.token", "x")))
                .hasMessageContaining("vpsr.teams.demo.token is not a team setting");
    }
}
