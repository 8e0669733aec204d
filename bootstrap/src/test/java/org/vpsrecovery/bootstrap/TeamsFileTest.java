package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The teams file read line by line as an operator edits it (ADR 0032, amended in session 56). */
class TeamsFileTest {

    private static final String OLD_DIGEST = "a".repeat(64);
    private static final String NEW_DIGEST = "b".repeat(64);

    @TempDir
    Path dir;

    /** A rotation by a second token-sha256= line would lock the old token's clients out after the restart. */
    @Test
    void aKeyGivenTwiceStopsTheStartNamingTheKeyAndItsLinesNeverItsValues() throws Exception {
        Path teams = Files.writeString(dir.resolve("teams.properties"), """
                vpsr.teams.payments.token-sha256=%s
                vpsr.teams.payments.servers=12345
                # rotated on Monday
                vpsr.teams.payments.token-sha256 = %s
                """.formatted(OLD_DIGEST, NEW_DIGEST));

        assertThatThrownBy(() -> TeamsFile.read(teams)).isInstanceOf(StartupRefused.class)
                .hasMessageStartingWith("VPSR_TEAMS_FILE " + teams + ": key vpsr.teams.payments.token-sha256 given twice "
                        + "(lines 1, 4)")
                .message().doesNotContain(OLD_DIGEST, NEW_DIGEST);
    }

    /** A second servers= line would have dropped the first line's servers from the team. */
    @Test
    void aRepeatedServersLineIsRefusedCountingCommentsAndContinuedLinesAsTheFileHasThem() throws Exception {
        Path teams = Files.writeString(dir.resolve("teams.properties"), """
                vpsr.teams.payments.token-sha256=%s
                vpsr.teams.payments.servers=12345,\\
                vpsr.teams.payments.servers
                #vpsr.teams.payments.servers=1
                vpsr.teams.payments.servers:67890
                vpsr.teams.payments.servers=111
                """.formatted(OLD_DIGEST));

        assertThatThrownBy(() -> TeamsFile.read(teams)).isInstanceOf(StartupRefused.class)
                .hasMessageStartingWith("VPSR_TEAMS_FILE " + teams + ": key vpsr.teams.payments.servers given 3 times "
                        + "(lines 2, 5, 6)");
    }

    @Test
    void aKeyThatIsNotASettingIsNotNamedWhenRepeated() throws Exception {
        Path teams = Files.writeString(dir.resolve("teams.properties"),
                "ghp_PastedToken\nvpsr.teams.payments.token-sha256=" + OLD_DIGEST + "\nghp_PastedToken\n");

        assertThatThrownBy(() -> TeamsFile.read(teams)).isInstanceOf(StartupRefused.class)
                .hasMessageContaining("a key that is not a setting given twice (lines 1, 3)")
                .message().doesNotContain("ghp_", "PastedToken");
    }

    @Test
    void eachKeyOnceIsRead() throws Exception {
        Path teams = Files.writeString(dir.resolve("teams.properties"), """
                vpsr.teams.payments.token-sha256=%s
                vpsr.teams.payments.tokens.ci.sha256=%s
                vpsr.teams.payments.servers=12345,\\
                  67890
                """.formatted(OLD_DIGEST, NEW_DIGEST));

        assertThat(TeamsFile.read(teams).settings()).containsEntry("vpsr.teams.payments.servers", "12345,67890")
                .hasSize(3);
    }
}
