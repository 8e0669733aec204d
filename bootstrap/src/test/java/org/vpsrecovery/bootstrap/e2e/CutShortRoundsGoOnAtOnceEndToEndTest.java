package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.snapshot.CreateSnapshotCommand;
import org.vpsrecovery.application.snapshot.CreateSnapshotUseCase;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.Seed;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * Tracking and reconciliation on the service's own scheduler (db-scheduler on PostgreSQL) while VPS.org answers every
 * read in 300 ms, with a run budget of 100 ms (so each run takes one item) and intervals of an hour (ADR 0024, amended
 * in session 47). Before the jobs start, tracking is given 12 open creates to follow (one a server) and reconciliation
 * 12 intents a process left without an outcome. A round its budget cut short goes on at once with what it had left, so
 * within the wait every create is looked at and every intent settled, each exactly once: the rest of a round resumes after
 * what it reached, never with what it already looked at. When the rest of a round waited the interval (main before
 * session 47), one create was looked at and one intent settled, the others an hour later each: the test failed at the
 * first wait (checked in session 47). The waits are bounds, not measurements.
 */
class CutShortRoundsGoOnAtOnceEndToEndTest {

    private static final TeamId DEMO = new TeamId("demo");
    private static final List<Long> SERVERS = LongStream.rangeClosed(41_001, 41_012).boxed().toList();
    private static final Duration VPSORG_ANSWERS_IN = Duration.ofMillis(300);
    /** Far longer than the rounds' rest takes (a dozen items, each a read or two), far shorter than an interval. */
    private static final Duration WITHIN = Duration.ofSeconds(90);

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            // Creations stay in progress for an hour: tracking follows each of them and ends none.
            SimulatorOptions.defaults().withSeed(seed(), false).withDelays(Duration.ofHours(1), Duration.ofSeconds(1)),
            Map.ofEntries(
                    Map.entry("vpsr.teams.demo.servers", SERVERS.stream().map(String::valueOf).collect(Collectors.joining(","))),
                    // The jobs start with the first answer: the batches are all in place by then.
                    Map.entry("vpsr.jobs.start-wait", "1h"),
                    Map.entry("vpsr.jobs.run-budget", "100ms"),
                    Map.entry("vpsr.jobs.polling-interval", "200ms"),
                    // The first runs come at the start, the next ones an hour later: only a round's rest runs before.
                    Map.entry("vpsr.tracking.every", "1h"),
                    Map.entry("vpsr.reconcile.every", "1h"),
                    Map.entry("vpsr.reconcile.settle-after", "0s"),
                    Map.entry("vpsr.drift.scan-every", "1h"),
                    Map.entry("vpsorg.read-timeout", "5s")));

    private static Seed seed() {
        List<Seed.ServerSeed> servers = SERVERS.stream()
                .map(id -> new Seed.ServerSeed(id, "cut-" + id, "running", 2048)).toList();
        return new Seed(Instant.now(), List.of(new Seed.AccountSeed(VpsOrgSimulator.DEMO_TOKEN, servers, List.of(),
                List.of())));
    }

    @Test
    void roundsCutShortByTheirBudgetGoOnAtOnceAndLookAtEachItemOnce() throws SQLException {
        RunningPlatform platform = SETUP.platform();
        CreateSnapshotUseCase creates = platform.context.getBean(CreateSnapshotUseCase.class);
        for (long server : SERVERS) {
            creates.createSnapshot(new CreateSnapshotCommand(new CallContext(DEMO, new RequestId("cut-create-" + server)),
                    new ServerId(server), new SnapshotName("cut-" + server), Optional.empty()));
        }
        for (long server : SERVERS) {
            // A backup delete's intent whose process died before its outcome (no attempt id: settled from VPS.org's
            // backup lists, which tracking does not read).
            platform.audit().append(new AuditEvent(Instant.now().minusSeconds(60), DEMO, new RequestId("lost-delete-" + server),
                    Operation.DELETE_BACKUP, Optional.of(new ServerId(server)),
                    Optional.of(ResourceRef.of(new BackupId(990_000 + server))), new Outcome.Accepted(),
                    OptionalInt.empty(), Actor.SYSTEM.into(new LinkedHashMap<>())));
        }
        assertThat(checksOfTheCreates()).as("no create looked at yet").hasSize(SERVERS.size()).containsOnly(0);
        SETUP.simulator().faults().add(Fault.latency(VPSORG_ANSWERS_IN).on("GET", "/api/v1/.*"));

        // The first answer (a refusal: VPS.org is not asked) starts the jobs.
        assertThat(platform.send("GET", "/api/v1/snapshots/", null, null).status()).isEqualTo(401);

        await().atMost(WITHIN).pollInterval(Duration.ofMillis(200))
                .until(() -> checksOfTheCreates().stream().allMatch(checks -> checks > 0));
        // One look each: the rest of each round was what it had not reached, not the most overdue again.
        assertThat(checksOfTheCreates()).hasSize(SERVERS.size()).containsOnly(1);

        await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> lostIntentsStillPending() == 0);
        assertThat(SERVERS).allSatisfy(server -> assertThat(platform.auditOf("lost-delete-" + server))
                .as("the intent and one end").hasSize(2));
    }

    /** How many times tracking looked at each of the creates (db-scheduler's jobs are the only ones that look). */
    private static List<Integer> checksOfTheCreates() throws SQLException {
        try (Connection connection = SETUP.database().dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT checks FROM recovery_operation WHERE kind = 'CREATE_SNAPSHOT' AND request_id LIKE 'cut-create-%'");
             ResultSet rs = select.executeQuery()) {
            List<Integer> checks = new java.util.ArrayList<>();
            while (rs.next()) {
                checks.add(rs.getInt(1));
            }
            return checks;
        }
    }

    private static long lostIntentsStillPending() {
        return SERVERS.stream().filter(server -> SETUP.platform().auditOf("lost-delete-" + server).size() == 1).count();
    }
}
