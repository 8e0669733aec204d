package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * {@code /health} and {@code /health/readiness} while the real PostgreSQL is stopped and after it is started again on
 * the same data and port: 503 naming the database, without waiting for the pool's connection timeout (Hikari's wait
 * ends in its {@code SQLTransientConnectionException}: the check takes no connection from the pool), the outage said
 * in one line as it begins and one as it ends, no trace per probe, and 200 at the first probe once PostgreSQL is back.
 * ADR 0038, amended in session 54.
 */
class DatabaseOutageHealthEndToEndTest {

    private static final String PASSWORD = "unused-under-trust-health";
    private static final String INDICATOR = "org.vpsrecovery.bootstrap.DatabaseHealthIndicator";

    @Test
    void probesDuringAnOutageAre503AtOnceSaidInALineAndUpAtTheFirstProbeOnceTheDatabaseIsBack() throws IOException {
        Path data = Files.createTempDirectory("health-outage-postgres-");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        EmbeddedPostgres postgres = postgres(data, port);
        VpsOrgSimulator simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        RunningPlatform platform = null;
        Logger indicatorLog = (Logger) LoggerFactory.getLogger(INDICATOR);
        try {
            platform = RunningPlatform.start("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", PASSWORD,
                    simulator, Map.of(), null);
            assertThat(platform.send("GET", "/health/readiness", null, null).status()).isEqualTo(200);
            List<ILoggingEvent> said;
            indicatorLog.setLevel(Level.INFO); // the outage's end is said at INFO; the tests' root is at WARN
            try (RootLogLines log = RootLogLines.capture()) {
                postgres.close();
                postgres = null;

                Answer anonymous = platform.send("GET", "/health/readiness", null, null);
                assertThat(anonymous.status()).as(anonymous.raw().body()).isEqualTo(503);
                assertThat(anonymous.raw().body()).isEqualTo("{\"status\":\"DOWN\"}");
                for (String path : List.of("/health/readiness", "/health", "/health/readiness")) {
                    Answer detailed = platform.send("GET", path, RunningPlatform.AUDITOR_TOKEN, null);
                    String body = detailed.raw().body();
                    assertThat(detailed.status()).as(body).isEqualTo(503);
                    assertThat(jdbc(detailed)).as(body).containsEntry("status", "DOWN");
                    assertThat(body).as("the database's words, without its host, login or a trace")
                            .contains("nothing accepted the connection at its host and port")
                            .doesNotContain("127.0.0.1", "localhost", String.valueOf(port), PASSWORD, "\tat ", "HikariPool")
                            .as("the pool's wait (its connection timeout) was not taken: it ends in this exception")
                            .doesNotContain("SQLTransientConnectionException");
                }

                postgres = postgres(data, port);
                Answer back = platform.send("GET", "/health/readiness", RunningPlatform.AUDITOR_TOKEN, null);
                assertThat(back.status()).as("the first probe once the database is back: " + back.raw().body())
                        .isEqualTo(200);
                assertThat(jdbc(back)).containsEntry("status", "UP");
                assertThat(back.raw().body()).as("the URL, shown to auditors as before").contains("jdbc:postgresql:");
                said = log.events();
            }
            List<String> indicatorLines = said.stream().filter(event -> event.getLoggerName().equals(INDICATOR))
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(indicatorLines).as("one line as the outage begins, one as it ends").hasSize(2);
            assertThat(indicatorLines.get(0)).contains("is failing", "nothing accepted the connection")
                    .doesNotContain("127.0.0.1", String.valueOf(port));
            assertThat(indicatorLines.get(1)).contains("works again after 4 failure(s)");
            assertThat(said).as("no ERROR with a trace per probe (Micronaut's, Hikari's)")
                    .noneMatch(event -> event.getLevel() == Level.ERROR && event.getThrowableProxy() != null
                            && (event.getLoggerName().startsWith("io.micronaut")
                            || event.getLoggerName().startsWith("com.zaxxer")));
        } finally {
            indicatorLog.setLevel(null);
            if (platform != null) {
                platform.close();
            }
            simulator.close();
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jdbc(Answer answer) {
        return (Map<String, Object>) ((Map<String, Object>) answer.get("details")).get("jdbc");
    }

    /** A PostgreSQL on {@code data} (made at the first start, kept after) and {@code port}. */
    private static EmbeddedPostgres postgres(Path data, int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("fsync", "off").start();
    }
}
