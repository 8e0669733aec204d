package org.vpsrecovery.bootstrap.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.bootstrap.EmbeddedDefaults;

/**
 * The embedded default (java -jar, nothing configured but VPSR_DATA_DIR) killed with kill -9 and
 * started again on the same data directory: the first restart answers, and what was audited before
 * the crash is still there. The killed JVM's PostgreSQL outlives it (pg_ctl runs it as a daemon);
 * the restart must stop that one, on its own data directory, and nothing else.
 */
class EmbeddedDefaultCrashRestartIT {

    private static final JsonMapper JSON = JsonMapper.createDefault();

    @Test
    void theFirstRestartAfterKillNineAnswersAndKeepsTheAuditHistory() throws IOException {
        Path dataDirectory = ServiceProcess.newDirectory("crash-restart-data");
        ServiceProcess.Builder embeddedDefault = ServiceProcess.builder("crash-restart")
                .env("VPSR_DATA_DIR", dataDirectory.toString());

        ServiceProcess first = embeddedDefault.start();
        try {
            HttpResponse<String> created = first.send("POST", "/api/v1/snapshots/", EmbeddedDefaults.DEMO_TEAM_TOKEN,
                    "{\"server_id\": 12345, \"name\": \"before-the-crash\"}", Map.of("X-Request-Id", "before-the-crash"));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

            assertThat(first.killNow()).isEqualTo(137);
            // The crash's leftover, as an operator finds it: the killed JVM's PostgreSQL still runs there.
            long leftover = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postgres/postmaster.pid")).getFirst().strip());
            assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive)).hasValue(true);

            try (ServiceProcess second = embeddedDefault.start()) {
                assertThat(second.stdout()).contains("a PostgreSQL (pid " + leftover + ") is still running on",
                        "the leftover PostgreSQL (pid " + leftover + ") has stopped");
                HttpResponse<String> events = second.send("GET", "/api/v1/audit/events/?request_id=before-the-crash",
                        EmbeddedDefaults.DEMO_AUDITOR_TOKEN, null);
                assertThat(events.statusCode()).as(events.body()).isEqualTo(200);
                // Newest first: taken (SUBMITTED), and COMPLETED too once the tracker saw it completed (ADR 0024).
                assertThat(results(events)).extracting(e -> e.get("outcome")).endsWith("SUBMITTED", "ACCEPTED");
                HttpResponse<String> verified = second.send("GET", "/api/v1/audit/verify/", EmbeddedDefaults.DEMO_AUDITOR_TOKEN, null);
                assertThat(verified.body()).contains("\"intact\":true");

                assertThat(second.stop()).isIn(0, 143);
                assertThat(dataDirectory.resolve("postgres/postmaster.pid")).as("PostgreSQL stopped with the service")
                        .doesNotExist();
            }
        } finally {
            // Kills nothing alive by then; would stop a PostgreSQL left on this test's data directory.
            first.close();
        }
    }

    /**
     * SIGTERM while Micronaut starts (Flyway migrating the embedded PostgreSQL just started): the hook that stops the
     * embedded PostgreSQL was registered only once Micronaut had started, and zonky's own is off, so the PostgreSQL
     * outlived the JVM. The signal is sent as soon as the start-up trace says the embedded parts run.
     */
    @Test
    void aSigtermDuringTheStartStopsTheEmbeddedPostgresToo() {
        Path dataDirectory = ServiceProcess.newDirectory("sigterm-during-start-data");
        ServiceProcess starting = ServiceProcess.builder("sigterm-during-start")
                .env("VPSR_DATA_DIR", dataDirectory.toString())
                .jvmOptions("-Dvpsr.startup.trace=true")
                .launch();
        try {
            await("the embedded PostgreSQL to run").atMost(Duration.ofMinutes(2))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .failFast("the process ended", () -> !starting.isAlive())
                    .until(() -> starting.stderr().contains("vpsr-startup-trace embedded-defaults"));
            Path pidFile = dataDirectory.resolve("postgres/postmaster.pid");
            assertThat(pidFile).as("the embedded PostgreSQL runs").exists();

            starting.stop();

            // A machine slow to poll may signal only once the service listens: that start says nothing of this case.
            assumeFalse(starting.stdout().contains("vps-recovery is listening"), "the signal came after the start");
            assertThat(pidFile).as("PostgreSQL stopped with the service").doesNotExist();
        } finally {
            // Stops a PostgreSQL left on this test's data directory.
            starting.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(HttpResponse<String> page) throws IOException {
        return (List<Map<String, Object>>) JSON.readValue(page.body(), Map.class).get("results");
    }
}
