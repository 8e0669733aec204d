package org.vpsrecovery.bootstrap.e2e;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The set-up of most end-to-end tests: a fresh database, the VPS.org simulator and one platform on them, started
 * before the class's tests and stopped after them, last started first stopped. A test class registers it as a static
 * field and says only what differs (the simulator's options, the platform's properties over {@link RunningPlatform}'s):
 * <pre>{@code
 * @RegisterExtension
 * static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(),
 *         Map.of("vpsr.tracking.every", "1h"));
 * }</pre>
 * The class's own {@code @BeforeAll} methods run after the platform started, its {@code @AfterAll} methods before it
 * stops. The database is its own rather than a second extension's, so that it exists before the platform starts
 * whatever order JUnit registers static extensions in.
 */
final class PlatformOnSimulator implements BeforeAllCallback, AfterAllCallback {

    /** Operations followed at VPS.org quickly: tracked every 500 ms, first looked at after 500 ms, then at most 1 s apart. */
    static final Map<String, String> QUICK_TRACKING = Map.of("vpsr.tracking.every", "500ms",
            "vpsr.tracking.first-look", "500ms", "vpsr.tracking.longest-look", "1s");

    /**
     * No tracking or reconciliation in the background (every hour) and restores that hold nothing: a test compares the
     * history with exact event counts, or cuts it at known places.
     */
    static final Map<String, Object> NO_BACKGROUND_TRACKING = Map.of("vpsr.restore-window", "0s",
            "vpsr.tracking.every", "1h", "vpsr.reconcile.every", "1h");

    private final SimulatorOptions simulatorOptions;
    private final Map<String, Object> properties;
    private final boolean migratedDatabase;
    private final Clock clock;
    private final FreshDatabase database;
    private VpsOrgSimulator simulator;
    private RunningPlatform platform;

    PlatformOnSimulator(SimulatorOptions simulatorOptions, Map<String, ?> properties) {
        this(simulatorOptions, properties, false, null);
    }

    private PlatformOnSimulator(SimulatorOptions simulatorOptions, Map<String, ?> properties, boolean migratedDatabase,
                                Clock clock) {
        this.simulatorOptions = simulatorOptions;
        this.properties = Map.<String, Object>copyOf(properties);
        this.migratedDatabase = migratedDatabase;
        this.clock = clock;
        this.database = migratedDatabase ? FreshDatabase.migrated() : FreshDatabase.empty();
    }

    /** The same, with {@code clock} as the platform's one Clock (see {@link RunningPlatform#start}). */
    PlatformOnSimulator withPlatformClock(Clock clock) {
        return new PlatformOnSimulator(simulatorOptions, properties, migratedDatabase, clock);
    }

    /** The same, on a database migrated before the platform starts rather than by the platform's start. */
    PlatformOnSimulator onMigratedDatabase() {
        return new PlatformOnSimulator(simulatorOptions, properties, true, clock);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            database.beforeAll(context);
            simulator = VpsOrgSimulator.start(simulatorOptions);
            platform = RunningPlatform.start(database.database(), simulator, properties, clock);
        } catch (RuntimeException | Error startFailed) {
            // What did start stops now, not only when JUnit calls afterAll: PlatformWithIdentityProvider calls this.
            try {
                afterAll(context);
            } catch (RuntimeException | Error stopFailed) {
                startFailed.addSuppressed(stopFailed);
            }
            throw startFailed;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // What started, last started first stopped, each even when one before it failed to stop.
        Throwable failed = null;
        if (platform != null) {
            failed = stop(platform::close, failed);
            platform = null;
        }
        if (simulator != null) {
            failed = stop(simulator::close, failed);
            simulator = null;
        }
        failed = stop(() -> database.afterAll(context), failed);
        if (failed instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failed instanceof Error error) {
            throw error;
        }
    }

    private static Throwable stop(Runnable stopping, Throwable failedBefore) {
        try {
            stopping.run();
            return failedBefore;
        } catch (RuntimeException | Error failed) {
            if (failedBefore == null) {
                return failed;
            }
            failedBefore.addSuppressed(failed);
            return failedBefore;
        }
    }

    /** {@code base} with {@code more} over it. */
    static Map<String, Object> with(Map<String, ?> base, Map<String, ?> more) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        merged.putAll(more);
        return merged;
    }

    RunningPlatform platform() {
        return started(platform);
    }

    VpsOrgSimulator simulator() {
        return started(simulator);
    }

    FreshDatabase database() {
        return database;
    }

    /**
     * Waits until db-scheduler's recurring task {@code taskName} has run once to its end ({@code scheduled_tasks} has
     * its {@code last_success}). A recurring task's first run is due when the scheduler starts; a test that drives the
     * task's windows itself waits for that run first, or a late one (a loaded machine) runs in a window the test owns.
     */
    void awaitFirstRunOf(String taskName) {
        await("the first run of " + taskName + " ended").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> hasSucceeded(taskName));
    }

    private boolean hasSucceeded(String taskName) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT count(*) FROM scheduled_tasks WHERE task_name = ? AND last_success IS NOT NULL")) {
            select.setString(1, taskName);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** The platform's properties over {@link RunningPlatform}'s, as given. */
    Map<String, Object> properties() {
        return properties;
    }

    private static <T> T started(T part) {
        if (part == null) {
            throw new IllegalStateException("not running: register PlatformOnSimulator as a static @RegisterExtension"
                    + " field; it runs from before the class's @BeforeAll methods to after its @AfterAll methods");
        }
        return part;
    }
}
