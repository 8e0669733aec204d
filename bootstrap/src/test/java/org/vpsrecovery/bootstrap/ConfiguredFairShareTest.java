package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.bootstrap.TwoConfiguredTeams.PAYMENTS;
import static org.vpsrecovery.bootstrap.TwoConfiguredTeams.SEARCH;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vpsrecovery.domain.limits.FairShareLimits;

class ConfiguredFairShareTest {

    private static ConfiguredFairShare fairShare(Map<String, Object> extra) {
        return TwoConfiguredTeams.read(extra, ConfiguredFairShare::from);
    }

    @Test
    void everyTeamHasThePlatformsDefaultUnlessItsOwnIsSet() {
        ConfiguredFairShare share = fairShare(Map.of("vpsr.teams.payments.calls-in-flight", "2"));

        assertThat(share.fairShareOf(SEARCH)).isEqualTo(ConfiguredFairShare.PLATFORM_DEFAULT);
        assertThat(share.fairShareOf(PAYMENTS)).isEqualTo(new FairShareLimits(
                ConfiguredFairShare.PLATFORM_DEFAULT.requestsPerMinute(), 2));
    }

    @Test
    void theTeamsOwnOverridesThePlatformsWhichOverridesTheBuiltInDefault() {
        ConfiguredFairShare share = fairShare(Map.of(
                "vpsr.fair-share.requests-per-minute", "100", "vpsr.fair-share.calls-in-flight", "4",
                "vpsr.fair-share.call-lease", "90s",
                "vpsr.teams.payments.requests-per-minute", 10));

        assertThat(share.platformDefault()).isEqualTo(new FairShareLimits(100, 4));
        assertThat(share.fairShareOf(PAYMENTS)).isEqualTo(new FairShareLimits(10, 4));
        assertThat(share.fairShareOf(SEARCH)).isEqualTo(new FairShareLimits(100, 4));
    }

    @Test
    void aMisspeltPlatformKeyIsRefusedByName() {
        assertThatThrownBy(() -> fairShare(Map.of("vpsr.fair-share.request-per-minute", "100")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("vpsr.fair-share.request-per-minute is not a fair-share setting");
    }

    @Test
    void aMisspeltTeamKeyIsRefusedByName() {
        assertThatThrownBy(() -> fairShare(Map.of("vpsr.teams.payments.calls-in-flite", "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("vpsr.teams.payments.calls-in-flite is not a team setting");
    }

    @Test
    void aValueThatIsNotAPositiveWholeNumberIsRefusedByName() {
        assertThatThrownBy(() -> fairShare(Map.of("vpsr.teams.payments.requests-per-minute", "lots")))
                .hasMessage("vpsr.teams.payments.requests-per-minute must be a whole number from 1 to 1000000, was lots");
        assertThatThrownBy(() -> fairShare(Map.of("vpsr.fair-share.calls-in-flight", "0")))
                .hasMessage("vpsr.fair-share.calls-in-flight must be a whole number from 1 to 10000, was 0");
    }

    /** A lease shorter than its renewal needs would let another instance claim a slot whose call still runs. */
    @Test
    void aCallLeaseTooShortForItsRenewalIsRefusedByName() {
        assertThatThrownBy(() -> fairShare(Map.of("vpsr.fair-share.call-lease", "1s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("vpsr.fair-share.call-lease must be at least 20s").hasMessageEndingWith("was 1s");
        assertThatThrownBy(() -> fairShare(Map.of("vpsr.fair-share.call-lease", "19999ms")))
                .hasMessageStartingWith("vpsr.fair-share.call-lease must be at least 20s");
        assertThatThrownBy(() -> fairShare(Map.of("vpsr.fair-share.call-lease", "soon")))
                .hasMessage("vpsr.fair-share.call-lease must be a duration such as 2m or 90s, was soon");
        assertThat(fairShare(Map.of("vpsr.fair-share.call-lease", "20s")).platformDefault())
                .isEqualTo(ConfiguredFairShare.PLATFORM_DEFAULT);
    }

    @Test
    void aTeamsFileWithAWrongShareStopsTheStartWithTheSettingNamed(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("teams.properties");
        Files.writeString(file, """
                vpsr.teams.payments.token-sha256=%s
                vpsr.teams.payments.servers=1
                vpsr.teams.payments.calls-in-flight=-1
                """.formatted("a".repeat(64)));

        assertThatThrownBy(() -> TeamsFile.read(file)).isInstanceOf(StartupRefused.class)
                .hasMessageContaining("vpsr.teams.payments.calls-in-flight must be a whole number from 1 to 10000, was -1");
    }
}
