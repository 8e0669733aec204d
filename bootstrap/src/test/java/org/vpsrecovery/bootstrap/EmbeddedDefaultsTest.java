package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default's PostgreSQL keeps its data between runs, in the documented directory; its
 * simulator runs the lifecycle profile the deployment names.
 */
class EmbeddedDefaultsTest {

    @TempDir
    Path dataDirectory;

    @Test
    void aSecondStartFindsWhatTheFirstWrote() throws Exception {
        Deployment deployment = Deployment.fromEnvironment(Map.of("VPSR_DATA_DIR", dataDirectory.toString()));
        try (EmbeddedDefaults first = EmbeddedDefaults.start(deployment)) {
            assertThat(first.runsPostgres()).isTrue();
            assertThat(first.runsSimulator()).isTrue();
            assertThat(first.hasDemoTeams()).isTrue();
            assertThat(first.properties()).containsEntry("vpsr.auditors.demo-auditor.token-sha256",
                    HashedTeamTokens.sha256Hex(EmbeddedDefaults.DEMO_AUDITOR_TOKEN));
            assertThat(first.postgresDirectory()).isEqualTo(dataDirectory.resolve("postgres"));
            execute(first, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
        }
        // The bundled binaries' initdb wrote their major: the version the build recorded is theirs (ADR 0102, session 47).
        assertThat(java.nio.file.Files.readString(dataDirectory.resolve("postgres/PG_VERSION")).strip())
                .isEqualTo(BundledPostgres.onClassPath().major());
        try (EmbeddedDefaults second = EmbeddedDefaults.start(deployment);
             Connection connection = connect(second);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT v FROM kept")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void keptDataIsWrittenDurablyUnlikeZonkysTestDefaults() throws Exception {
        Deployment deployment = Deployment.fromEnvironment(Map.of("VPSR_DATA_DIR", dataDirectory.toString()));
        try (EmbeddedDefaults embedded = EmbeddedDefaults.start(deployment)) {
            assertThat(show(embedded, "fsync")).isEqualTo("on");
            assertThat(show(embedded, "synchronous_commit")).isEqualTo("on");
            assertThat(show(embedded, "full_page_writes")).isEqualTo("on");
        }
    }

    @Test
    void aSecondServiceCannotTakeADataDirectoryInUseAndTheFirstKeepsRunning() throws Exception {
        Deployment deployment = Deployment.fromEnvironment(Map.of("VPSR_DATA_DIR", dataDirectory.toString()));
        try (EmbeddedDefaults first = EmbeddedDefaults.start(deployment)) {
            assertThatThrownBy(() -> EmbeddedDefaults.start(deployment)).isInstanceOf(StartupRefused.class)
                    .hasMessageContaining("VPSR_DATA_DIR " + dataDirectory.toAbsolutePath())
                    .hasMessageContaining("in use by another running vps-recovery");
            assertThat(show(first, "fsync")).isEqualTo("on");
        }
        // Released on close: the next start takes it.
        try (EmbeddedDefaults next = EmbeddedDefaults.start(deployment)) {
            assertThat(next.runsPostgres()).isTrue();
        }
    }

    @Test
    void aDataDirectoryThatCannotBeWrittenIsRefusedNamingTheSetting() throws Exception {
        // As root no permission bit keeps a directory from being written: a file where the directory must go does.
        Path file = java.nio.file.Files.writeString(dataDirectory.resolve("a-file"), "not a directory");
        Deployment deployment = Deployment.fromEnvironment(Map.of("VPSR_DATA_DIR", file.resolve("data").toString()));

        // Application.main says a StartupRefused in one line with exit code 2; anything else is a stack trace and exit 1.
        assertThatThrownBy(() -> EmbeddedDefaults.start(deployment)).isInstanceOf(StartupRefused.class)
                .hasMessageContaining("VPSR_DATA_DIR " + file.resolve("data").toAbsolutePath() + " cannot be written");
    }

    @Test
    void aDataDirectoryOfAnotherMajorVersionIsRefusedBeforeAnyPostgresStartsAndReleased() throws Exception {
        Path postgres = java.nio.file.Files.createDirectories(dataDirectory.resolve("postgres"));
        java.nio.file.Files.writeString(postgres.resolve("PG_VERSION"), "16\n");
        Deployment deployment = Deployment.fromEnvironment(Map.of("VPSR_DATA_DIR", dataDirectory.toString()));

        // Application.main says a StartupRefused in one line with exit code 2 (EmbeddedPostgresMajorIT: the process).
        assertThatThrownBy(() -> EmbeddedDefaults.start(deployment)).isInstanceOf(StartupRefused.class)
                .hasMessageStartingWith("the embedded PostgreSQL's data directory " + postgres.toAbsolutePath()
                        + " was made by PostgreSQL 16, and this vps-recovery bundles PostgreSQL "
                        + BundledPostgres.onClassPath().major() + " (binaries " + BundledPostgres.onClassPath().version() + ")");
        assertThat(postgres.resolve("postmaster.pid")).doesNotExist();
        // The refusal let go of the directory.
        EmbeddedDataDirectory.claim(dataDirectory, postgres, java.time.Duration.ofSeconds(1)).close();
    }

    @Test
    void theSimulatorRunsTheDemoProfileOrTheOneNamed() throws Exception {
        // A configured database and the simulator asked for: only the simulator is embedded, no PostgreSQL.
        Map<String, String> database = Map.of("VPSR_DATABASE_URL", "jdbc:postgresql://db.invalid/vpsr",
                "VPSR_DATABASE_USER", "u", "VPSR_DATABASE_PASSWORD", "p", "VPSR_DATA_DIR", dataDirectory.toString(),
                "VPSR_SIMULATOR", "embedded");
        try (EmbeddedDefaults embedded = EmbeddedDefaults.start(Deployment.fromEnvironment(database))) {
            assertThat(simulatorLifecycle(embedded).path("profile").asText()).isEqualTo("demo");
        }
        Map<String, String> realistic = new HashMap<>(database);
        realistic.put("VPSR_SIMULATOR_PROFILE", "realistic");
        try (EmbeddedDefaults embedded = EmbeddedDefaults.start(Deployment.fromEnvironment(realistic))) {
            JsonNode lifecycle = simulatorLifecycle(embedded);
            assertThat(lifecycle.path("profile").asText()).isEqualTo("realistic");
            assertThat(lifecycle.path("snapshot_seconds").asText()).isEqualTo("180-600");
        }
    }

    /** What the embedded simulator's admin API says of its lifecycle. */
    private static JsonNode simulatorLifecycle(EmbeddedDefaults embedded) throws Exception {
        URI lifecycle = URI.create(embedded.properties().get("vpsorg.base-url") + "/__admin/lifecycle");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(lifecycle).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return new ObjectMapper().readTree(response.body());
        }
    }

    private static String show(EmbeddedDefaults defaults, String setting) throws Exception {
        try (Connection connection = connect(defaults);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SHOW " + setting)) {
            assertThat(rows.next()).isTrue();
            return rows.getString(1);
        }
    }

    private static void execute(EmbeddedDefaults defaults, String sql) throws Exception {
        try (Connection connection = connect(defaults); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static Connection connect(EmbeddedDefaults defaults) throws Exception {
        Map<String, Object> p = defaults.properties();
        return DriverManager.getConnection((String) p.get("datasources.default.url"),
                (String) p.get("datasources.default.username"), (String) p.get("datasources.default.password"));
    }
}
