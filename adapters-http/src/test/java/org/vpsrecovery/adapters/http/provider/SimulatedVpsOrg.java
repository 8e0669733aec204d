package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.vpsrecovery.simulator.RecordedRequest;
import org.vpsrecovery.simulator.SimulatorClock;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * A simulator on a free loopback port and an adapter pointed at it, for one test. Retries are fast but real. The read
 * timeout is long enough that a cold or loaded machine's slow first answer is not retried (a 2 s one was, and exact
 * request counts then saw two); a test that hangs VPS.org on purpose asks for {@link #hangsTimeOutSoon} instead.
 */
final class SimulatedVpsOrg implements AutoCloseable {

    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** For tests whose faults hang: each hung try ends this soon. */
    static final Duration HANG_READ_TIMEOUT = Duration.ofSeconds(2);

    final VpsOrgSimulator simulator;
    final VpsOrgClient client;

    private SimulatedVpsOrg(VpsOrgSimulator simulator, VpsOrgClient client) {
        this.simulator = simulator;
        this.client = client;
    }

    static SimulatedVpsOrg start() {
        return start(UnaryOperator.identity(), UnaryOperator.identity());
    }

    static SimulatedVpsOrg start(UnaryOperator<SimulatorOptions> simulatorOptions, UnaryOperator<VpsOrgSettings> adapterSettings) {
        SimulatorOptions options = simulatorOptions.apply(SimulatorOptions.defaults()
                .withClock(SimulatorClock.system())
                .withDelays(Duration.ofSeconds(5), Duration.ofSeconds(10)));
        VpsOrgSimulator simulator = VpsOrgSimulator.start(options);
        try {
            VpsOrgSettings settings = adapterSettings.apply(testSettings(simulator.baseUri(), VpsOrgSimulator.DEMO_TOKEN));
            return new SimulatedVpsOrg(simulator, VpsOrgClient.connect(settings));
        } catch (RuntimeException e) {
            simulator.close();
            throw e;
        }
    }

    static VpsOrgSettings testSettings(URI baseUrl, String token) {
        return VpsOrgSettings.defaults(baseUrl, new ApiToken(token))
                .withTimeouts(Duration.ofSeconds(2), READ_TIMEOUT)
                .withRetry(new VpsOrgSettings.Retry(3, Duration.ofMillis(10), Duration.ofMillis(50), 0.25,
                        Duration.ofSeconds(2)));
    }

    /** {@code settings} with the short read timeout a test that hangs VPS.org on purpose waits out. */
    static VpsOrgSettings hangsTimeOutSoon(VpsOrgSettings settings) {
        return settings.withTimeouts(settings.connectTimeout(), HANG_READ_TIMEOUT);
    }

    List<RecordedRequest> received() {
        return simulator.requests();
    }

    List<RecordedRequest> received(String method, String path) {
        return simulator.requests().stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    /** The one request received for {@code method path}; fails the test unless exactly one was. */
    RecordedRequest receivedOnce(String method, String path) {
        List<RecordedRequest> matching = received(method, path);
        assertThat(matching).as(method + " " + path).hasSize(1);
        return matching.get(0);
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            simulator.close();
        }
    }
}
