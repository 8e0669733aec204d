package org.vpsrecovery.bootstrap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.bootstrap.process.ServiceProcess;
import org.vpsrecovery.simulator.Seed;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * What the reliability suite's tests share: one team and one auditor, servers of their own at the
 * simulator, service processes configured as an operator configures them, and the figures each test
 * reports (printed, and written to {@code target/reliability-figures/}).
 */
final class ReliabilitySetup {

    static final String TEAM = "reliability";
    static final String TEAM_TOKEN = "reliability-team-token";
    static final String AUDITOR_TOKEN = "reliability-auditor-token";
    /** The fixture's default JVM options, kept when a test adds its own. */
    private static final List<String> DEFAULT_JVM_OPTIONS = ServiceProcess.TEST_JVM_OPTIONS;

    private ReliabilitySetup() {
    }

    /** {@code count} servers numbered from {@code first}, no snapshot or backup on them. */
    static List<Long> servers(long first, int count) {
        return LongStream.range(first, first + count).boxed().toList();
    }

    /** A simulator whose demo account holds exactly these servers, empty. */
    static VpsOrgSimulator simulator(List<Long> servers, SimulatorOptions options) {
        List<Seed.ServerSeed> seeded = servers.stream()
                .map(id -> new Seed.ServerSeed(id, "reliability-" + id, "running", 2048)).toList();
        Seed seed = new Seed(Instant.now(), List.of(new Seed.AccountSeed(VpsOrgSimulator.DEMO_TOKEN, seeded, List.of(), List.of())));
        return VpsOrgSimulator.start(options.withSeed(seed, false));
    }

    /** The team's fair share is set out of reach: these suites drive locks and faults with floods of their own. */
    static String teamsFile(List<Long> servers, int snapshotsPerServer) {
        return """
                vpsr.teams.%s.token-sha256=%s
                vpsr.teams.%s.servers=%s
                vpsr.teams.%s.snapshots-per-server=%d
                vpsr.teams.%s.requests-per-minute=1000000
                vpsr.teams.%s.calls-in-flight=10000
                vpsr.auditors.reliability-auditor.token-sha256=%s
                """.formatted(TEAM, HashedTeamTokens.sha256Hex(TEAM_TOKEN),
                TEAM, servers.stream().map(String::valueOf).collect(Collectors.joining(",")),
                TEAM, snapshotsPerServer, TEAM, TEAM, HashedTeamTokens.sha256Hex(AUDITOR_TOKEN));
    }

    /**
     * The jar as an operator runs it on a shared PostgreSQL: environment variables and a teams file;
     * {@code systemProperties} (fine-tuning keys, e.g. {@code vpsr.reconcile.every=1s}) as {@code -D}.
     */
    static ServiceProcess.Builder service(String name, TestDatabase database, VpsOrgSimulator simulator, String teamsFile,
                                          String... systemProperties) {
        List<String> jvmOptions = new ArrayList<>(DEFAULT_JVM_OPTIONS);
        // Operations are followed at VPS.org (ADR 0024): look often, so tests see them settle in seconds.
        for (String tracking : List.of("vpsr.tracking.every=500ms", "vpsr.tracking.first-look=500ms",
                "vpsr.tracking.longest-look=1s", "vpsr.jobs.polling-interval=500ms")) {
            jvmOptions.add("-D" + tracking);
        }
        for (String property : systemProperties) {
            jvmOptions.add("-D" + property);
        }
        return ServiceProcess.builder(name)
                .env("VPSR_DATABASE_URL", database.url())
                .env("VPSR_DATABASE_USER", database.user())
                .env("VPSR_DATABASE_PASSWORD", database.password())
                .env("VPSORG_BASE_URL", simulator.baseUri().toString())
                .env("VPSORG_API_TOKEN", VpsOrgSimulator.DEMO_TOKEN)
                .file("VPSR_TEAMS_FILE", "teams.properties", teamsFile)
                .jvmOptions(jvmOptions.toArray(String[]::new));
    }

    /** A size the CI run keeps small, raised for a longer run with {@code -D<property>=<n>}. */
    static int sized(String property, int ciDefault) {
        int value = Integer.getInteger(property, ciDefault);
        if (value < 1) {
            throw new IllegalArgumentException(property + " must be positive, was " + value);
        }
        return value;
    }

    /** The chain, verified by the service itself for an auditor. */
    static void assertChainIntact(PlatformClient auditor, ServiceProcess service) {
        Answer verified = auditor.send(service, "GET", "/api/v1/audit/verify/", null, "verify-" + System.nanoTime());
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
        assertThat(verified.json()).as(verified.toString()).containsEntry("intact", true);
    }

    /** Prints the figures and writes them to {@code target/reliability-figures/<test>.txt} for docs/reliability.md. */
    static void report(String test, Map<String, ?> figures) {
        String text = figures.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
        System.out.println("--- reliability figures: " + test + " ---\n" + text);
        try {
            Path directory = Files.createDirectories(ServiceProcess.outputRoot().resolveSibling("reliability-figures"));
            Files.writeString(directory.resolve(test + ".txt"), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
