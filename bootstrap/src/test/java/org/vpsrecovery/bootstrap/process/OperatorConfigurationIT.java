package org.vpsrecovery.bootstrap.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The production configuration the README documents, given to the built jar as an operator gives
 * it: environment variables (VPSR_DATABASE_*, VPSORG_*, VPSR_TEAMS_FILE) and a teams file. The
 * database is a fresh, empty one (the service migrates it); VPS.org is the simulator on loopback.
 * The JVM runs with the deployment's options file, as docs/deploy.md starts an instance (ADR 0050).
 */
class OperatorConfigurationIT {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    private static final String TEAM_TOKEN = "payments-token-it";
    private static final String AUDITOR_TOKEN = "compliance-token-it";
    private static final JsonMapper JSON = JsonMapper.createDefault();

    /** The deployment guide's JVM options, from the bootstrap module's directory (where Failsafe runs). */
    static final Path DEPLOYMENT_JVM_OPTIONS = Path.of("..", "docs", "deploy", "jvm.options").toAbsolutePath().normalize();

    static VpsOrgSimulator simulator;
    static ServiceProcess service;

    private static ServiceProcess.Builder operatorConfigured(String name, String teamsFile) {
        return ServiceProcess.builder(name)
                .env("VPSR_DATABASE_URL", DATABASE.database().url())
                .env("VPSR_DATABASE_USER", DATABASE.database().user())
                .env("VPSR_DATABASE_PASSWORD", DATABASE.database().password())
                .env("VPSORG_BASE_URL", simulator.baseUri().toString())
                .env("VPSORG_API_TOKEN", VpsOrgSimulator.DEMO_TOKEN)
                .file("VPSR_TEAMS_FILE", "teams.properties", teamsFile);
    }

    @BeforeAll
    static void start() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        service = operatorConfigured("operator-configuration", """
                vpsr.teams.payments.token-sha256=%s
                vpsr.teams.payments.servers=12345
                vpsr.teams.payments.snapshots-per-server=5
                # auditors read every team's audit reports and nothing else
                vpsr.auditors.compliance.token-sha256=%s
                """.formatted(HashedTeamTokens.sha256Hex(TEAM_TOKEN), HashedTeamTokens.sha256Hex(AUDITOR_TOKEN)))
                .jvmOptions("@" + DEPLOYMENT_JVM_OPTIONS)
                .start();
    }

    @Test
    void theServiceRunsWithTheDeploymentsHeapAndCollector() throws IOException {
        HttpResponse<String> metrics = service.send("GET", "/prometheus", null, null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        // The serial collector's pools, and their ceilings within the file's -Xmx160m.
        List<String> heapMaxima = metrics.body().lines()
                .filter(line -> line.startsWith("jvm_memory_max_bytes{") && line.contains("area=\"heap\"")).toList();
        assertThat(heapMaxima).anySatisfy(line -> assertThat(line).contains("id=\"Tenured Gen\""));
        // A pool without a ceiling of its own says -1.
        double heapMax = heapMaxima.stream().mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .filter(max -> max > 0).sum();
        assertThat(heapMax).isPositive().isLessThanOrEqualTo(160.0 * 1024 * 1024);
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theTeamOfTheTeamsFileWorksAndItsAuditorReadsWhatItDid() throws IOException {
        HttpResponse<String> listed = service.send("GET", "/api/v1/snapshots/?server_id=12345", TEAM_TOKEN, null);
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        assertThat(results(listed)).isNotEmpty()
                .allSatisfy(snapshot -> assertThat((Map<String, Object>) snapshot.get("server")).containsEntry("id", 12345));

        HttpResponse<String> created = service.send("POST", "/api/v1/snapshots/", TEAM_TOKEN,
                "{\"server_id\": 12345, \"name\": \"operator-it\"}", Map.of("X-Request-Id", "operator-it-create"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        HttpResponse<String> events = service.send("GET", "/api/v1/audit/events/?request_id=operator-it-create",
                AUDITOR_TOKEN, null);
        assertThat(events.statusCode()).as(events.body()).isEqualTo(200);
        List<Map<String, Object>> results = results(events);
        assertThat(results).extracting(e -> e.get("team"), e -> e.get("operation"))
                .containsOnly(tuple("payments", "CREATE_SNAPSHOT"));
        // Newest first: taken (SUBMITTED), and COMPLETED too once the tracker saw it completed (ADR 0024).
                assertThat(results).extracting(e -> e.get("outcome")).endsWith("SUBMITTED", "ACCEPTED");

        // Not a team: the auditor reads reports only; a token nobody was given reads nothing.
        assertThat(service.send("GET", "/api/v1/snapshots/?server_id=12345", AUDITOR_TOKEN, null).statusCode()).isEqualTo(403);
        assertThat(service.send("GET", "/api/v1/snapshots/?server_id=12345", "file", null).statusCode()).isEqualTo(401);
        assertThat(service.stdout()).doesNotContain(" ERROR ", TEAM_TOKEN, AUDITOR_TOKEN, VpsOrgSimulator.DEMO_TOKEN);
        // A line that escaped logback (the JDK's own logger writes "SEVERE:" to stderr) is looked at too.
        assertThat(service.stderr()).doesNotContain(" ERROR ", "SEVERE:", TEAM_TOKEN, AUDITOR_TOKEN, VpsOrgSimulator.DEMO_TOKEN);
    }

    @Test
    void healthShowsAnyoneTheStatusAndOnlyAnAuditorTheDetails() throws IOException {
        HttpResponse<String> anonymous = service.send("GET", "/health", null, null);
        assertThat(anonymous.statusCode()).as(anonymous.body()).isEqualTo(200);
        assertThat(JSON.readValue(anonymous.body(), Map.class)).containsEntry("status", "UP").doesNotContainKey("details");
        assertThat(anonymous.body()).doesNotContain("jdbc:", "vpsorg");

        HttpResponse<String> team = service.send("GET", "/health", TEAM_TOKEN, null);
        assertThat(team.body()).doesNotContain("jdbc:", "details");

        HttpResponse<String> auditor = service.send("GET", "/health", AUDITOR_TOKEN, null);
        assertThat(auditor.statusCode()).as(auditor.body()).isEqualTo(200);
        assertThat(auditor.body()).contains("\"details\"", "jdbc:postgresql:", "\"vpsorg\"")
                .doesNotContain(VpsOrgSimulator.DEMO_TOKEN, AUDITOR_TOKEN);
    }

    @Test
    void aTeamWithoutTokenStopsTheStartWithTheSettingNamed() {
        assertRefused("team-without-token", """
                vpsr.teams.payments.servers=12345
                """, "vpsr.teams.payments.token-sha256 is required");
    }

    @Test
    void aBadServerIdStopsTheStartWithTheSettingNamed() {
        assertRefused("bad-server-id", """
                vpsr.teams.payments.token-sha256=%s
                vpsr.teams.payments.servers=12345,twelve
                """.formatted(HashedTeamTokens.sha256Hex(TEAM_TOKEN)),
                "vpsr.teams.payments.servers must be positive integers, was twelve");
    }

    /**
     * Settings checked by the beans that use them: built when the context starts, so a wrong one stops the start
     * naming the key (exit code 2) rather than answering every request that needs the bean with 500 (ADR 0021,
     * amended in session 42).
     */
    @Test
    void aWrongSettingOfARequestsBeanStopsTheStartWithTheSettingNamed() {
        assertRefusedBySetting("lease-too-long", "-Dvpsr.idempotency.lease=24h", "vpsr.idempotency.lease must be");
        assertRefusedBySetting("console-cookie", "-Dvpsr.console.secure-cookie=Always", "vpsr.console.secure-cookie must be");
        assertRefusedBySetting("console-expiry", "-Dvpsr.console.absolute-expiry=20m",
                "vpsr.console.absolute-expiry must not be shorter than vpsr.console.idle-expiry");
    }

    private static void assertRefusedBySetting(String name, String property, String expected) {
        String teamsFile = "vpsr.teams.payments.token-sha256=%s%nvpsr.teams.payments.servers=12345%n"
                .formatted(HashedTeamTokens.sha256Hex(TEAM_TOKEN));
        try (ServiceProcess refused = operatorConfigured(name, teamsFile).jvmOptions("-XX:+UseSerialGC", property).launch()) {
            int exitCode = refused.awaitExit(Duration.ofSeconds(120));

            assertThat(exitCode).as(refused.stderr()).isEqualTo(2);
            assertThat(refused.stderr()).contains("vps-recovery cannot start: " + expected).doesNotContain("\tat ");
            assertThat(refused.stdout()).doesNotContain("listening on");
        }
    }

    private static void assertRefused(String name, String teamsFile, String expected) {
        try (ServiceProcess refused = operatorConfigured(name, teamsFile).launch()) {
            int exitCode = refused.awaitExit(Duration.ofSeconds(60));

            assertThat(exitCode).as(refused.stderr()).isNotZero();
            assertThat(refused.stderr()).contains("vps-recovery cannot start: VPSR_TEAMS_FILE ", expected)
                    .doesNotContain("\tat ", "Exception");
            assertThat(refused.stdout()).doesNotContain("\tat ", "listening on");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(HttpResponse<String> page) throws IOException {
        return (List<Map<String, Object>>) JSON.readValue(page.body(), Map.class).get("results");
    }
}
