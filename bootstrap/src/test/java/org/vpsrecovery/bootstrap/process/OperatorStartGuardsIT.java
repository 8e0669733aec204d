package org.vpsrecovery.bootstrap.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.EmbeddedDefaults;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * Starts an operator gives the built jar that must not serve as asked: the shared database without a checkpoint key
 * (ADR 0022), a team or auditor given beside the teams file (ADR 0034); both amended in session 56.
 */
class OperatorStartGuardsIT {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final String TEAM_TOKEN = "payments-token-guards-it";

    static VpsOrgSimulator simulator;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
    }

    @AfterAll
    static void stop() {
        if (simulator != null) {
            simulator.close();
        }
    }

    private static ServiceProcess.Builder operatorConfigured(String name) {
        return ServiceProcess.builder(name)
                .env("VPSR_DATABASE_URL", DATABASE.database().url())
                .env("VPSR_DATABASE_USER", DATABASE.database().user())
                .env("VPSR_DATABASE_PASSWORD", DATABASE.database().password())
                .env("VPSORG_BASE_URL", simulator.baseUri().toString())
                .env("VPSORG_API_TOKEN", VpsOrgSimulator.DEMO_TOKEN)
                .file("VPSR_TEAMS_FILE", "teams.properties", "vpsr.teams.payments.token-sha256="
                        + HashedTeamTokens.sha256Hex(TEAM_TOKEN) + "\nvpsr.teams.payments.servers=12345\n");
    }

    /** A key generated here would be lost with a home that does not persist, and the next one's shows forged checkpoints. */
    @Test
    void theSharedDatabaseWithoutACheckpointKeyIsRefusedSayingHowToMakeOne() {
        try (ServiceProcess refused = operatorConfigured("no-checkpoint-key").env("VPSR_CHECKPOINT_KEY_FILE", "")
                .launch()) {
            int exitCode = refused.awaitExit(Duration.ofSeconds(120));

            assertThat(exitCode).as(refused.stderr()).isEqualTo(2);
            assertThat(refused.stderr()).contains("vps-recovery cannot start: VPSR_CHECKPOINT_KEY_FILE is required with "
                    + "VPSR_DATABASE_URL", "openssl genpkey -algorithm ed25519", "VPSR_CHECKPOINT_TRUSTED_KEYS")
                    .doesNotContain("\tat ");
            assertThat(refused.stdout()).doesNotContain("listening on");
        }
    }

    /** A running deployment's upgrade: the key an earlier start generated keeps signing, said at every start. */
    @Test
    void aKeyAnEarlierStartGeneratedIsUsedWithAWarningNamingIt() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path earlier = ServiceProcess.Builder.checkpointKey(data.resolve("checkpoint-signing-key.pem"));
        try (ServiceProcess service = operatorConfigured("earlier-checkpoint-key").env("VPSR_CHECKPOINT_KEY_FILE", "")
                .env("VPSR_DATA_DIR", data.toString()).start()) {
            HttpResponse<String> listed = service.send("GET", "/api/v1/snapshots/?server_id=12345", TEAM_TOKEN, null);
            assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
            assertThat(service.stdout() + service.stderr()).contains("VPSR_CHECKPOINT_KEY_FILE is not set: the audit "
                    + "chain's checkpoints are signed with " + earlier.toAbsolutePath(), "Set VPSR_CHECKPOINT_KEY_FILE=");
        }
    }

    /** A team given by -D beside the teams file, with the demo's published token, served 200 before. */
    @Test
    void aPublishedTokensDigestGivenBesideTheTeamsFileIsRefused() {
        String published = HashedTeamTokens.sha256Hex(EmbeddedDefaults.DEMO_TEAM_TOKEN);
        try (ServiceProcess refused = operatorConfigured("shadow-team").jvmOptions("-XX:+UseSerialGC",
                "-Dvpsr.teams.shadow.token-sha256=" + published, "-Dvpsr.teams.shadow.servers=67890").launch()) {
            int exitCode = refused.awaitExit(Duration.ofSeconds(120));

            assertThat(exitCode).as(refused.stderr()).isEqualTo(2);
            assertThat(refused.stderr()).contains("vps-recovery cannot start: vpsr.teams.shadow.token-sha256 is the "
                    + "digest of a published token").doesNotContain("\tat ", published);
            assertThat(refused.stdout()).doesNotContain("listening on");
        }
    }

    /** Even with a token of its own: it bypasses the teams file's checks, so it is named with where it came from. */
    @Test
    void anAuditorGivenInAMicronautConfigFileBesideTheTeamsFileIsRefusedNamingTheFile() {
        String own = HashedTeamTokens.sha256Hex("an-auditor-token-of-its-own");
        try (ServiceProcess refused = operatorConfigured("auditor-elsewhere")
                .file("MICRONAUT_CONFIG_FILES", "extra.properties", "vpsr.auditors.extra.token-sha256=" + own + "\n")
                .launch()) {
            int exitCode = refused.awaitExit(Duration.ofSeconds(120));

            assertThat(exitCode).as(refused.stderr()).isEqualTo(2);
            assertThat(refused.stderr()).contains("vps-recovery cannot start: vpsr.auditors.extra.token-sha256 is given "
                    + "by the configuration ", "extra.properties while VPSR_TEAMS_FILE (", "read from the teams file only")
                    .doesNotContain("\tat ", own);
            assertThat(refused.stdout()).doesNotContain("listening on");
        }
    }
}
