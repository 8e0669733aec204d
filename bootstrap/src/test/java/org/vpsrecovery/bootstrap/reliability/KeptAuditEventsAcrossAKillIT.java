package org.vpsrecovery.bootstrap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.process.ServiceProcess;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * "What cannot be written now is written later, never lost" (ADR 0141), as an operator runs it: the
 * audit history refuses appends (a trigger stands in for a database that takes no writes), a refused
 * request's event is kept in {@code VPSR_AUDIT_KEPT_DIR}, the process is killed ({@code kill -9})
 * before the history takes it, and the next process on the same directory writes it.
 */
class KeptAuditEventsAcrossAKillIT {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final List<Long> SERVERS = ReliabilitySetup.servers(7001, 1);
    private static final long NOT_THE_TEAMS = 7999;

    private static void sql(String statement) {
        try (Connection connection = DATABASE.dataSource().getConnection();
             Statement run = connection.createStatement()) {
            run.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long keptLines(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(f -> f.getFileName().toString().equals("events.jsonl")).mapToLong(f -> {
                try {
                    return Files.readAllLines(f).size();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anEventTheHistoryCouldNotTakeIsWrittenByTheNextProcessAfterAKill() {
        AuditRows audit = new AuditRows(DATABASE.dataSource());
        Path kept = ServiceProcess.newDirectory("kept-audit-events");
        Map<String, Object> figures = new LinkedHashMap<>();
        try (VpsOrgSimulator simulator = ReliabilitySetup.simulator(SERVERS, SimulatorOptions.defaults());
             PlatformClient team = new PlatformClient(ReliabilitySetup.TEAM_TOKEN);
             PlatformClient auditor = new PlatformClient(ReliabilitySetup.AUDITOR_TOKEN)) {
            ServiceProcess.Builder service = ReliabilitySetup.service("kept-audit", DATABASE.database(), simulator,
                    ReliabilitySetup.teamsFile(SERVERS, 5)).env("VPSR_AUDIT_KEPT_DIR", kept.toString());
            try (ServiceProcess first = service.start()) {
                sql("CREATE FUNCTION refuse_appends() RETURNS trigger LANGUAGE plpgsql AS "
                        + "$$ BEGIN RAISE EXCEPTION 'the test refuses appends'; END $$");
                sql("CREATE TRIGGER refuse_appends BEFORE INSERT ON audit_event FOR EACH ROW "
                        + "EXECUTE FUNCTION refuse_appends()");

                Answer refused = team.createSnapshot(first, NOT_THE_TEAMS, "not-ours", "kept-1");

                assertThat(refused.status()).as(refused.toString()).isEqualTo(404);
                assertThat(audit.forRequest("kept-1")).isEmpty();
                await("the refusal kept on disk").atMost(Duration.ofSeconds(30))
                        .until(() -> keptLines(kept) >= 1);
                figures.put("kept lines before the kill", keptLines(kept));
                assertThat(first.killNow()).isEqualTo(137);
            }
            sql("DROP TRIGGER refuse_appends ON audit_event");
            assertThat(audit.forRequest("kept-1")).as("not written before the kill").isEmpty();

            try (ServiceProcess second = service.start()) {
                await("the kept refusal written by the next process").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> !audit.forRequest("kept-1").isEmpty());
                assertThat(audit.forRequest("kept-1")).extracting(AuditRows.Row::kind)
                        .containsExactly("REJECTED SERVER_NOT_FOUND");
                assertThat(second.stdout()).contains("kept by a process that stopped before writing them");
                ReliabilitySetup.assertChainIntact(auditor, second);
                await("the kept folder let go once written").atMost(Duration.ofSeconds(30))
                        .until(() -> keptLines(kept) == 0);
            }
            ReliabilitySetup.report("kept-audit-events-across-a-kill", figures);
        }
    }
}
