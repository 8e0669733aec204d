package org.vpsrecovery.bootstrap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.process.ServiceProcess;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.RecordedRequest;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * Two service processes on one PostgreSQL, one policy every minute over three servers, and VPS.org
 * refusing every create (429, never retried in the call) until each server's first run has
 * been refused. Each failed run is retried by the {@code policy-run-retry} task (ADR 0036), a
 * db-scheduler one-time task, so once across the two instances: when VPS.org takes creates again,
 * each refused run's snapshot is made exactly once, with its original name, and the chain verifies.
 */
class TwoInstancesRetryEachFailedPolicyRunOnceIT {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final List<Long> SERVERS = ReliabilitySetup.servers(4201, 3);
    private static final String[] SETTINGS = {"vpsr.policies.tick-every=1s", "vpsr.jobs.polling-interval=200ms",
            "vpsr.policies.retry-first=2s", "vpsr.policies.retry-attempts=5"};
    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"(retry-[^\"]+)\"");

    @Test
    void eachRefusedRunIsRetriedAndMadeOnceAcrossTwoInstances() {
        try (VpsOrgSimulator simulator = ReliabilitySetup.simulator(SERVERS,
                SimulatorOptions.defaults().withDelays(Duration.ZERO, Duration.ofSeconds(10)));
             PlatformClient team = new PlatformClient(ReliabilitySetup.TEAM_TOKEN);
             PlatformClient auditor = new PlatformClient(ReliabilitySetup.AUDITOR_TOKEN)) {
            ServiceProcess.Builder service = ReliabilitySetup.service("policy-retry", DATABASE.database(), simulator,
                    ReliabilitySetup.teamsFile(SERVERS, 5), SETTINGS);
            try (ServiceProcess a = service.start(); ServiceProcess b = service.start()) {
                // VPS.org refuses creates (a create is never retried in the call): the run fails, certainly not made. A
                // short wait: each 429 ends the tick and holds the instance's calls for it (ADRs 0010 and 0037, amended
                // in session 51), so the window's other servers are run, and refused, a wait later each.
                simulator.faults().add(Fault.rateLimited(Duration.ofSeconds(2)).on("POST", "/api/v1/snapshots/?"));
                // A policy made within a minute's jitter (up to 6 s) of the minute runs that minute on some servers only;
                // made well inside the minute, every server's first run is the next minute's.
                await("a moment well inside the minute").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            int second = LocalTime.now(ZoneOffset.UTC).getSecond();
                            return second >= 8 && second <= 50;
                        });
                Answer created = team.send(a, "POST", "/api/v1/policies/", """
                        {"kind": "snapshot", "all_servers": true, "cron": "* * * * *", "time_zone": "UTC",
                         "name_template": "retry-{server_id}-{date}-{time}", "keep_last": 10}""", "policy-retry");
                assertThat(created.status()).as(created.toString()).isEqualTo(201);

                // The first minute's run on every server, refused.
                await("a refused run on every server").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                        .until(() -> firstNames(simulator).size() == SERVERS.size());
                Set<String> refused = firstNames(simulator);
                simulator.faults().clear();
                Instant reopened = Instant.now();

                // Each is retried and made: found at VPS.org under its own name, once.
                ProviderView vpsOrg = new ProviderView(simulator);
                await("each refused run made by its retry").atMost(Duration.ofSeconds(50)).pollInterval(Duration.ofMillis(500))
                        .until(() -> made(vpsOrg).keySet().containsAll(refused));
                // Every retry of a run refused before reopening done (its db-scheduler row removed): no second retry of
                // them can arrive after this, so the counts below are final.
                await("the refused runs' retries done").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> retriesLeftOfRunsUpTo(reopened) == 0);

                Map<String, Long> madeByName = made(vpsOrg);
                assertThat(refused).allSatisfy(name -> assertThat(madeByName.get(name)).as("snapshots named %s", name).isEqualTo(1L));
                Map<String, Long> askedAfterReopening = simulator.requests().stream()
                        .filter(r -> r.receivedAt().isAfter(reopened)).map(TwoInstancesRetryEachFailedPolicyRunOnceIT::nameOf)
                        .filter(refused::contains)
                        .collect(Collectors.groupingBy(name -> name, TreeMap::new, Collectors.counting()));
                assertThat(askedAfterReopening).as("creates of the refused runs once VPS.org took them again")
                        .allSatisfy((name, count) -> assertThat(count).isEqualTo(1L));
                ReliabilitySetup.assertChainIntact(auditor, a);

                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("refused runs", refused.size());
                figures.put("creates asked of VPS.org for them while refused", simulator.requests().stream()
                        .filter(r -> !r.receivedAt().isAfter(reopened)).map(TwoInstancesRetryEachFailedPolicyRunOnceIT::nameOf)
                        .filter(refused::contains).count());
                figures.put("settings", String.join(" ", SETTINGS));
                ReliabilitySetup.report("two-instances-retry-each-failed-policy-run-once", figures);
            }
        }
    }

    /** The names of the first minute's runs the simulator received (the earliest minute asked for). */
    private static Set<String> firstNames(VpsOrgSimulator simulator) {
        TreeSet<String> names = simulator.requests().stream().map(TwoInstancesRetryEachFailedPolicyRunOnceIT::nameOf)
                .filter(name -> !name.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
        if (names.isEmpty()) {
            return Set.of();
        }
        String firstMinute = names.stream().map(name -> name.substring(name.indexOf('-', "retry-".length()) + 1))
                .min(String::compareTo).orElseThrow();
        return names.stream().filter(name -> name.endsWith(firstMinute)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String nameOf(RecordedRequest request) {
        if (!request.method().equals("POST") || !request.path().startsWith("/api/v1/snapshots")) {
            return "";
        }
        Matcher m = NAME.matcher(request.body());
        return m.find() ? m.group(1) : "";
    }

    /**
     * The {@code policy-run-retry} rows (ADR 0036) still in db-scheduler's table for runs due up to {@code until}: a
     * retry's row stays while it waits or runs and is removed once it is done (made, not needed, or given up).
     */
    private static long retriesLeftOfRunsUpTo(Instant until) throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement left = connection.prepareStatement("SELECT count(*) FROM scheduled_tasks "
                     // The instance id is policy:server:cron time (epoch seconds):team (PolicyRunJobs.RetryOf).
                     + "WHERE task_name = 'policy-run-retry' AND split_part(task_instance, ':', 3)::bigint <= ?")) {
            left.setLong(1, until.getEpochSecond());
            try (ResultSet rs = left.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Snapshot name to how many VPS.org holds of it, over the three servers. */
    private static Map<String, Long> made(ProviderView vpsOrg) {
        return SERVERS.stream().flatMap(server -> vpsOrg.snapshots(server).values().stream())
                .filter(name -> name.startsWith("retry-"))
                .collect(Collectors.groupingBy(name -> name, TreeMap::new, Collectors.counting()));
    }
}
