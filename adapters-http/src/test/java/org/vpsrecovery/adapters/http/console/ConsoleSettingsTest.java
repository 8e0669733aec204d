package org.vpsrecovery.adapters.http.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.TeamDirectory;

/** A team's recovery point objective is read once, at start: a value that is not one refuses the start, naming its key. */
class ConsoleSettingsTest {

    private static final String KEY = "vpsr.console.recovery-point-objectives.";
    private static final TeamDirectory TEAMS = () -> Set.of(new TeamId("demo"), new TeamId("payments"));

    private static ConsoleSettings settings(Map<String, Object> properties, TeamDirectory teams) {
        return new ConsoleSettings(new PropertySourcePropertyResolver(PropertySource.of(properties)), teams,
                Duration.ofHours(24), "auto");
    }

    @Test
    void aTeamsOwnObjectiveIsItsAndTheOthersHaveThePlatforms() {
        ConsoleSettings settings = settings(Map.of(KEY + "payments", "6h"), TEAMS);

        assertThat(settings.objective(new TeamId("payments"))).isEqualTo(Duration.ofHours(6));
        assertThat(settings.objective(new TeamId("demo"))).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void anObjectiveThatIsNotADurationRefusesTheStartNamingItsKey() {
        // "360min" is no duration Micronaut reads ("360m" is): it used to fall back to 24 h without a word.
        assertThatThrownBy(() -> settings(Map.of(KEY + "demo", "360min"), TEAMS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(KEY + "demo").hasMessageContaining("360min");
    }

    @Test
    void aZeroOrNegativeObjectiveRefusesTheStart() {
        assertThatThrownBy(() -> settings(Map.of(KEY + "demo", "0s"), TEAMS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(KEY + "demo");
        assertThatThrownBy(() -> settings(Map.of(KEY + "demo", "-1h"), TEAMS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(KEY + "demo");
    }

    @Test
    void anObjectiveOfATeamNotConfiguredRefusesTheStart() {
        assertThatThrownBy(() -> settings(Map.of(KEY + "paymnets", "6h"), TEAMS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(KEY + "paymnets")
                .hasMessageContaining("no team");
    }

    @Test
    void withoutAKnownListOfTeamsAnObjectiveIsCheckedAsATeamNameAndADurationOnly() {
        assertThat(settings(Map.of(KEY + "elsewhere", "6h"), null).objective(new TeamId("elsewhere")))
                .isEqualTo(Duration.ofHours(6));
        assertThatThrownBy(() -> settings(Map.of(KEY + "-edge", "6h"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(KEY + "-edge").hasMessageContaining("not a team name");
    }
}
