package org.vpsrecovery.bootstrap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ObjectInputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.process.ServiceProcess;
import org.vpsrecovery.simulator.RecordedRequest;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * Two service processes on one PostgreSQL and one simulator, one policy every minute over three
 * servers, the policy job ticking every second on both: each (server, minute) snapshot is asked of
 * VPS.org exactly once (db-scheduler runs the {@code policy-runs} task on one instance at a time, and
 * each window is covered once; ADR 0028). Read from the simulator's request log.
 */
class TwoInstancesRunEachPolicyOnceIT {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final List<Long> SERVERS = ReliabilitySetup.servers(4101, 3);
    private static final String[] SETTINGS = {"vpsr.policies.tick-every=1s", "vpsr.jobs.polling-interval=200ms"};
    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"(once-[^\"]+)\"");

    @Test
    void eachServersRunForEachMinuteIsAskedOfVpsOrgOnce() {
        // One cron minute in CI (ADR 0002, amended in session 53; it was two, a minute of CI time): a duplicate comes
        // from a tick, not from a minute, and both instances tick every second until the counted window is over, so
        // every tick that could ask a counted (server, minute) again, on either instance, has ended before the count.
        // Raise it with -Dvpsr.reliability.policy-minutes=<n> for a longer run.
        int minutes = ReliabilitySetup.sized("vpsr.reliability.policy-minutes", 1);
        try (VpsOrgSimulator simulator = ReliabilitySetup.simulator(SERVERS,
                SimulatorOptions.defaults().withDelays(Duration.ZERO, Duration.ofSeconds(10)));
             PlatformClient team = new PlatformClient(ReliabilitySetup.TEAM_TOKEN)) {
            ServiceProcess.Builder service = ReliabilitySetup.service("policy-once", DATABASE.database(), simulator,
                    ReliabilitySetup.teamsFile(SERVERS, 5), SETTINGS);
            try (ServiceProcess a = service.start(); ServiceProcess b = service.start()) {
                Answer created = team.send(a, "POST", "/api/v1/policies/", """
                        {"kind": "snapshot", "all_servers": true, "cron": "* * * * *", "time_zone": "UTC",
                         "name_template": "once-{server_id}-{date}-{time}", "keep_last": 10}""", "policy-once");
                assertThat(created.status()).as(created.toString()).isEqualTo(201);

                await("runs for %d minutes on every server".formatted(minutes)).atMost(Duration.ofMinutes(minutes + 2))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> creates(simulator).stream().distinct().count() >= (long) minutes * SERVERS.size());
                // A duplicate would come from a tick under way meanwhile: wait until the policy-runs row (every such row,
                // were there one per instance) has covered a window ending after this moment and is not being run, so
                // every tick that could ask for a counted cron time has ended.
                Instant counted = Instant.now();
                await("the policy-runs ticks past %s".formatted(counted)).atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200)).until(() -> policyRunsWindowsEnded().stream()
                                .allMatch(end -> end.isAfter(counted)));

                Map<String, Long> perName = creates(simulator).stream().collect(
                        Collectors.groupingBy(name -> name, TreeMap::new, Collectors.counting()));
                assertThat(perName).hasSizeGreaterThanOrEqualTo(minutes * SERVERS.size())
                        .allSatisfy((name, count) -> assertThat(count).as("creates of %s", name).isEqualTo(1L));
                assertThat(perName.keySet().stream().map(n -> n.substring(5, 9)).distinct()).hasSize(SERVERS.size());

                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("policy runs asked of VPS.org", perName.size());
                figures.put("settings", String.join(" ", SETTINGS));
                ReliabilitySetup.report("two-instances-run-each-policy-once", figures);
            }
        }
    }

    /**
     * Where each {@code policy-runs} row's last covered window ended (its task data, epoch milliseconds, ADR 0028); a
     * row being run counts as not ended. Never empty once the task is scheduled.
     */
    private static List<Instant> policyRunsWindowsEnded() throws Exception {
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement rows = connection.prepareStatement(
                     "SELECT task_data, picked FROM scheduled_tasks WHERE task_name = 'policy-runs'");
             ResultSet rs = rows.executeQuery()) {
            List<Instant> ends = new ArrayList<>();
            while (rs.next()) {
                byte[] data = rs.getBytes(1);
                Long end = null;
                if (data != null) {
                    // db-scheduler's default serializer: Java serialization of the Long.
                    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(data))) {
                        end = (Long) in.readObject();
                    }
                }
                ends.add(rs.getBoolean(2) || end == null || end < 0 ? Instant.EPOCH : Instant.ofEpochMilli(end));
            }
            return ends.isEmpty() ? List.of(Instant.EPOCH) : ends;
        }
    }

    /** The names of every snapshot create the simulator received, duplicates included. */
    private static List<String> creates(VpsOrgSimulator simulator) {
        return simulator.requests().stream()
                .filter(r -> r.method().equals("POST") && r.path().startsWith("/api/v1/snapshots"))
                .map(RecordedRequest::body).map(NAME::matcher).filter(Matcher::find).map(m -> m.group(1)).toList();
    }
}
