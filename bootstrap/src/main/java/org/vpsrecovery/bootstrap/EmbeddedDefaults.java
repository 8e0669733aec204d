package org.vpsrecovery.bootstrap;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The parts a newcomer did not configure, started here: a real PostgreSQL from embedded binaries
 * (its data kept in {@code <data dir>/postgres} between runs) and the VPS.org simulator on
 * loopback, seeded with the spec's examples and running {@code VPSR_SIMULATOR_PROFILE}'s lifecycle
 * (by default a new snapshot completes in about 20 s), with two demo teams that cannot see each
 * other and a demo auditor who reads both teams' audit reports.
 */
public final class EmbeddedDefaults implements AutoCloseable {

    /** Demo-only credentials, valid only against the simulator on a loopback-bound service. */
    public static final String DEMO_TEAM_TOKEN = "demo-team-token";
    public static final String OTHER_TEAM_TOKEN = "other-team-token";
    public static final String DEMO_AUDITOR_TOKEN = "demo-auditor-token";
    public static final long DEMO_SERVER = 12345;
    public static final long OTHER_TEAM_SERVER = 23456;

    /** zonky waits 10 s; recovery after an unclean stop (kill -9, power loss) on a slow disk can take longer. */
    static final Duration POSTGRES_START_WAIT = Duration.ofSeconds(120);
    /** How long a PostgreSQL a crashed predecessor left running gets to shut down cleanly. */
    static final Duration LEFTOVER_POSTGRES_STOP_WAIT = Duration.ofSeconds(60);

    private final EmbeddedDataDirectory dataDirectory;
    private final EmbeddedPostgres postgres;
    private final VpsOrgSimulator simulator;
    private final Map<String, Object> properties;
    private final Path postgresDirectory;
    private final DemoIdentityProvider identityProvider;

    private EmbeddedDefaults(EmbeddedDataDirectory dataDirectory, EmbeddedPostgres postgres, Path postgresDirectory,
                             VpsOrgSimulator simulator, DemoIdentityProvider identityProvider, Map<String, Object> properties) {
        this.identityProvider = identityProvider;
        this.dataDirectory = dataDirectory;
        this.postgres = postgres;
        this.postgresDirectory = postgresDirectory;
        this.simulator = simulator;
        this.properties = properties;
    }

    public static EmbeddedDefaults start(Deployment deployment) {
        Map<String, Object> properties = new LinkedHashMap<>();
        EmbeddedDataDirectory dataDirectory = null;
        EmbeddedPostgres postgres = null;
        Path postgresDirectory = null;
        VpsOrgSimulator simulator = null;
        DemoIdentityProvider identityProvider = null;
        try {
            if (deployment.database().isEmpty()) {
                postgresDirectory = deployment.dataDirectory().resolve("postgres");
                dataDirectory = EmbeddedDataDirectory.claim(deployment.dataDirectory(), postgresDirectory,
                        LEFTOVER_POSTGRES_STOP_WAIT);
                // Before zonky: other binaries would wait POSTGRES_START_WAIT out on it, the reason unseen.
                BundledPostgres.onClassPath().requireCanOpen(postgresDirectory);
                postgres = EmbeddedPostgres.builder()
                        .setDataDirectory(postgresDirectory)
                        .setCleanDataDirectory(false)
                        // zonky's builder is tuned for throw-away test data (-F, synchronous_commit=off);
                        // this data is kept, so a commit must survive a crash. "-c" comes after "-F" and wins.
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on")
                        .setPGStartupWait(POSTGRES_START_WAIT)
                        // Stopped by Application's hook after the service: zonky's own hook would stop it
                        // while the service still writes (the checkpoint at shutdown, last appends).
                        .setRegisterShutdownHook(false)
                        .start();
                properties.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres");
                properties.put("datasources.default.username", "postgres");
                properties.put("datasources.default.password", "");
            }
            if (deployment.provider().isEmpty()) {
                simulator = VpsOrgSimulator.start(SimulatorOptions.defaults().withProfile(deployment.simulatorProfile()));
                properties.put("vpsorg.base-url", simulator.baseUri().toString());
                properties.put("vpsorg.api-token", VpsOrgSimulator.DEMO_TOKEN);
                if (deployment.servesDemoCredentials()) {
                    properties.put("vpsr.teams.demo.token-sha256", HashedTeamTokens.sha256Hex(DEMO_TEAM_TOKEN));
                    properties.put("vpsr.teams.demo.servers", Long.toString(DEMO_SERVER));
                    properties.put("vpsr.teams.other-team.token-sha256", HashedTeamTokens.sha256Hex(OTHER_TEAM_TOKEN));
                    properties.put("vpsr.teams.other-team.servers", Long.toString(OTHER_TEAM_SERVER));
                    properties.put("vpsr.auditors.demo-auditor.token-sha256", HashedTeamTokens.sha256Hex(DEMO_AUDITOR_TOKEN));
                    // People of the demo team sign in through a demo identity provider on loopback (ADR 0034).
                    identityProvider = DemoIdentityProvider.start();
                    properties.putAll(identityProvider.properties());
                }
            }
            return new EmbeddedDefaults(dataDirectory, postgres, postgresDirectory, simulator, identityProvider, properties);
        } catch (IOException | RuntimeException e) {
            if (identityProvider != null) {
                identityProvider.close();
            }
            closeQuietly(postgres, simulator);
            if (dataDirectory != null) {
                dataDirectory.close();
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL in " + postgresDirectory, io);
            }
            throw (RuntimeException) e;
        }
    }

    public Map<String, Object> properties() {
        return properties;
    }

    public boolean runsPostgres() {
        return postgres != null;
    }

    public boolean runsSimulator() {
        return simulator != null;
    }

    public boolean hasDemoTeams() {
        return properties.containsKey("vpsr.teams.demo.token-sha256");
    }

    public Path postgresDirectory() {
        return postgresDirectory;
    }

    /** The demo people's ready-made tokens (JWTs of the demo identity provider), by name; empty without demo teams. */
    public Map<String, String> demoPeopleTokens() {
        Map<String, String> tokens = new LinkedHashMap<>();
        if (identityProvider != null) {
            DemoIdentityProvider.DEMO_PEOPLE.forEach(person -> tokens.put(person, identityProvider.tokenFor(person, "demo")));
        }
        return tokens;
    }

    @Override
    public void close() {
        if (identityProvider != null) {
            identityProvider.close();
        }
        closeQuietly(postgres, simulator);
        if (dataDirectory != null) {
            dataDirectory.close();
        }
    }

    private static void closeQuietly(EmbeddedPostgres postgres, VpsOrgSimulator simulator) {
        if (simulator != null) {
            simulator.close();
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException | RuntimeException e) {
                // Stopping on the way out; the data directory is intact either way.
            }
        }
    }
}
