package org.vpsrecovery.bootstrap.e2e;

import java.time.Clock;
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
 * The database, the simulator and the platform are a {@link PlatformOnSimulator} of its own, started once the identity
 * provider listens.
 */
final class PlatformWithIdentityProvider implements BeforeAllCallback, AfterAllCallback {

    /**
     * The two-person approval suites' jobs, quick: the other team's approvals expire after 2 s, settled and tracked
     * every 300 ms; no reconciler.
     */
    static final Map<String, String> QUICK_APPROVALS = Map.of("vpsr.teams.other-team.approval-time-limit", "2s",
            "vpsr.approvals.settle-every", "300ms", "vpsr.tracking.every", "300ms", "vpsr.tracking.first-look", "300ms",
            "vpsr.tracking.longest-look", "1s", "vpsr.reconcile.every", "1h");

    private final SimulatorOptions simulatorOptions;
    private final Map<String, ?> overrides;
    private final Clock clock;
    private TestIdentityProvider idp;
    private PlatformOnSimulator platformOnSimulator;

    PlatformWithIdentityProvider(SimulatorOptions simulatorOptions, Map<String, ?> overrides) {
        this(simulatorOptions, overrides, null);
    }

    private PlatformWithIdentityProvider(SimulatorOptions simulatorOptions, Map<String, ?> overrides, Clock clock) {
        this.simulatorOptions = simulatorOptions;
        this.overrides = Map.copyOf(overrides);
        this.clock = clock;
    }

    /** The same, with {@code clock} as the platform's one Clock ({@link PlatformOnSimulator#withPlatformClock}). */
    PlatformWithIdentityProvider withPlatformClock(Clock clock) {
        return new PlatformWithIdentityProvider(simulatorOptions, overrides, clock);
    }

    /** {@code base} with {@code more} over it. */
    static Map<String, Object> with(Map<String, ?> base, Map<String, ?> more) {
        return PlatformOnSimulator.with(base, more);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // The identity provider first: the platform's properties name its JWKS.
        idp = TestIdentityProvider.start();
        platformOnSimulator = new PlatformOnSimulator(simulatorOptions, with(idp.properties(), overrides))
                .withPlatformClock(clock);
        try {
            platformOnSimulator.beforeAll(context);
        } catch (RuntimeException | Error startFailed) {
            idp.close();
            idp = null;
            throw startFailed;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // The platform, the simulator and the database (PlatformOnSimulator's order), then the identity provider.
        try {
            if (platformOnSimulator != null) {
                platformOnSimulator.afterAll(context);
            }
        } finally {
            if (idp != null) {
                idp.close();
                idp = null;
            }
        }
    }

    RunningPlatform platform() {
        return platformOnSimulator.platform();
    }

    TestIdentityProvider idp() {
        return idp;
    }

    VpsOrgSimulator simulator() {
        return platformOnSimulator.simulator();
    }

    FreshDatabase database() {
        return platformOnSimulator.database();
    }

    /** The platform's properties over RunningPlatform's: the identity provider's and the test's overrides. */
    Map<String, Object> properties() {
        return platformOnSimulator.properties();
    }
}
