package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.PostgresServer;
import org.vpsrecovery.bootstrap.Deployment;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The production set-up the README describes, from the same environment variables: the service
 * logs in as a member of {@code vpsr_app}, Flyway migrates the empty database as the owner, and
 * the service's login can append audit rows but never change them.
 */
class LeastPrivilegeDeploymentTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    private static final String SERVICE_LOGIN = "vpsr_service_e2e_" + ProcessHandle.current().pid();
    private static final String SERVICE_PASSWORD = "test-only-service-password";

    static VpsOrgSimulator simulator;
    static RunningPlatform platform;

    @BeforeAll
    static void start() {
        PostgresServer server = PostgresServer.shared();
        server.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vpsr_app') "
                + "THEN CREATE ROLE vpsr_app NOLOGIN; END IF; END $$");
        server.execute("DROP ROLE IF EXISTS " + SERVICE_LOGIN);
        server.execute("CREATE ROLE " + SERVICE_LOGIN + " LOGIN PASSWORD '" + SERVICE_PASSWORD + "' IN ROLE vpsr_app");

        Deployment deployment = Deployment.fromEnvironment(Map.of(
                "VPSR_DATABASE_URL", DATABASE.database().url(),
                "VPSR_DATABASE_USER", SERVICE_LOGIN,
                "VPSR_DATABASE_PASSWORD", SERVICE_PASSWORD,
                "VPSR_MIGRATION_USER", DATABASE.database().user(),
                "VPSR_MIGRATION_PASSWORD", DATABASE.database().password(),
                // Only the database's properties are taken; the test runs its own simulator.
                "VPSR_SIMULATOR", "embedded"));
        Map<String, Object> database = new LinkedHashMap<>();
        deployment.properties().forEach((key, value) -> {
            if (key.startsWith("datasources.") || key.startsWith("flyway.")) {
                database.put(key, value);
            }
        });
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        platform = RunningPlatform.start(DATABASE.database(), simulator, database);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        PostgresServer.shared().execute("DROP OWNED BY " + SERVICE_LOGIN + " CASCADE");
        PostgresServer.shared().execute("DROP ROLE IF EXISTS " + SERVICE_LOGIN);
    }

    @Test
    void theServiceWorksAsItsLoginAndThatLoginCannotRewriteHistory() throws SQLException {
        var created = platform.send("POST", "/api/v1/backups/", RunningPlatform.DEMO_TOKEN, "{\"server_id\": 12345}",
                Map.of("X-Request-Id", "least-privilege-1"));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(platform.auditOf("least-privilege-1")).hasSize(2);
        assertThat(platform.audit().verifyChain().isIntact()).isTrue();
        // Reads of a period stand on the days' sequence bounds and the unfolded deltas, read as this login (V55).
        String since = platform.auditOf("least-privilege-1").getFirst().event().occurredAt().toString();
        var byRequest = platform.send("GET", "/api/v1/audit/events/?request_id=least-privilege-1&from=" + since,
                RunningPlatform.DEMO_TOKEN, null);
        assertThat(byRequest.status()).as(byRequest.raw().body()).isEqualTo(200);
        assertThat((List<?>) byRequest.get("results")).hasSize(2);

        try (Connection connection = DATABASE.database().dataSourceAs(SERVICE_LOGIN, SERVICE_PASSWORD).getConnection();
             Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute("UPDATE audit_event SET team = 'other-team'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("DELETE FROM audit_event"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            // Nor what the reads of a period trust: a day's sequence bounds, the deltas not folded yet (V55).
            assertThatThrownBy(() -> statement.execute("UPDATE audit_event_day_sequence SET first_sequence = last_sequence"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.execute("DELETE FROM audit_count_delta"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            // What it may do, it can: read its history, and fold the deltas as its cluster job does (as the owner).
            assertThat(statement.executeQuery("SELECT count(*) FROM audit_event").next()).isTrue();
            assertThat(statement.executeQuery("SELECT audit_count_fold()").next()).isTrue();
        }
    }
}
