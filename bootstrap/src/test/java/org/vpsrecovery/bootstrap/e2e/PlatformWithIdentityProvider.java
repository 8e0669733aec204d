package org.vpsrecovery.bootstrap.e2e;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The set-up of the end-to-end tests where people sign in: a fresh database, the VPS.org simulator, a company identity
 * provider and one platform trusting it, started before the class's tests and stopped after them, last started first
 * stopped. A test class registers it as a static field and says only what differs (the simulator's options, the
 * platform's properties over {@link RunningPlatform}'s and the identity provider's):
 * <pre>{@code
 * @RegisterExtension
 * static final PlatformWithIdentityProvider SETUP = new PlatformWithIdentityProvider(SimulatorOptions.defaults(),
 *         Map.of("vpsr.teams.demo.approval-required", "delete"));
 * }</pre>
 * The database is its own rather than a second extension's, so that it exists before the platform starts whatever
 * order JUnit registers static extensions in.
 */
final class PlatformWithIdentityProvider implements BeforeAllCallback, AfterAllCallback {

    /**
     * The two-person approval suites' jobs, quick: the other team's approvals expire after 2 s, settled and tracked
     * every 300 ms; no reconciler.
     */
    static final Map<String, String> QUICK_APPROVALS = Map.of("vpsr.teams.other-team.approval-time-limit", "2s",
            "vpsr.approvals.settle-every", "300ms", "vpsr.tracking.every", "300ms", "vpsr.tracking.first-look", "300ms",
            "vpsr.tracking.longest-look", "1s", "vpsr.reconcile.every", "1h");

    private final FreshDatabase database = FreshDatabase.empty();
    private final SimulatorOptions simulatorOptions;
    private final Map<String, ?> overrides;
    private VpsOrgSimulator simulator;
    private TestIdentityProvider idp;
    private Map<String, Object> properties;
    private RunningPlatform platform;

    PlatformWithIdentityProvider(SimulatorOptions simulatorOptions, Map<String, ?> overrides) {
        this.simulatorOptions = simulatorOptions;
        this.overrides = Map.copyOf(overrides);
    }

    /** {@code base} with {@code more} over it. */
    static Map<String, Object> with(Map<String, ?> base, Map<String, ?> more) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        merged.putAll(more);
        return merged;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database.beforeAll(context);
        simulator = VpsOrgSimulator.start(simulatorOptions);
        idp = TestIdentityProvider.start();
        properties = new LinkedHashMap<>(idp.properties());
        properties.putAll(overrides);
        platform = RunningPlatform.start(database.database(), simulator, properties);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // What started, last started first stopped; the database is dropped last.
        if (platform != null) {
            platform.close();
        }
        if (idp != null) {
            idp.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        database.afterAll(context);
    }

    RunningPlatform platform() {
        return platform;
    }

    TestIdentityProvider idp() {
        return idp;
    }

    VpsOrgSimulator simulator() {
        return simulator;
    }

    FreshDatabase database() {
        return database;
    }

    /** The platform's properties over RunningPlatform's: the identity provider's and the test's overrides. */
    Map<String, Object> properties() {
        return Map.copyOf(properties);
    }
}
