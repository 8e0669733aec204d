package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.http.provider.ApiToken;
import org.vpsrecovery.adapters.http.provider.VpsOrgClient;
import org.vpsrecovery.adapters.http.provider.VpsOrgSettings;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/** Provider calls timed through the simulator over real HTTP: one timer per operation and outcome, reused. */
class MeteredProviderTest {

    @Test
    void timesEachCallUnderItsOperationAndOutcomeWithOneTimerEach() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (VpsOrgSimulator simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
             VpsOrgClient client = VpsOrgClient.connect(
                     VpsOrgSettings.defaults(simulator.baseUri(), new ApiToken(VpsOrgSimulator.DEMO_TOKEN)))) {
            MeteredProvider provider = new MeteredProvider(client, client, registry);

            provider.listSnapshots(Optional.empty());
            provider.listSnapshots(Optional.empty());
            assertThatThrownBy(() -> provider.deleteSnapshot(new SnapshotId(999_999)))
                    .isInstanceOfSatisfying(ProviderFailure.class,
                            failure -> assertThat(failure.kind()).isEqualTo(ProviderFailure.Kind.NOT_FOUND));

            var listed = registry.find("vpsr.provider.calls").tags("operation", "list_snapshots", "outcome", "ok").timer();
            var missing = registry.find("vpsr.provider.calls").tags("operation", "delete_snapshot", "outcome", "not_found").timer();
            assertThat(listed).isNotNull();
            assertThat(listed.count()).isEqualTo(2);
            assertThat(missing).isNotNull();
            assertThat(missing.count()).isEqualTo(1);
            assertThat(provider.timer("list_snapshots", "ok")).isSameAs(listed);
            assertThat(registry.find("vpsr.provider.calls").timers()).hasSize(2);
        }
    }

    @Test
    void timesAListAnsweredWithoutAWaitingThreadWhenItsAnswerArrivesUnderTheSameTimer() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (VpsOrgSimulator simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
             VpsOrgClient client = VpsOrgClient.connect(
                     VpsOrgSettings.defaults(simulator.baseUri(), new ApiToken(VpsOrgSimulator.DEMO_TOKEN)))) {
            MeteredProvider provider = new MeteredProvider(client, client, registry);

            assertThat(provider.listSnapshotsWhenAnswered(Optional.empty(), Runnable::run).get(30, TimeUnit.SECONDS)).hasSize(2);
            simulator.faults().add(Fault.rateLimited(java.time.Duration.ofSeconds(120)).on("GET", "/api/v1/snapshots/"));
            assertThatThrownBy(() -> provider.listSnapshotsWhenAnswered(Optional.empty(), Runnable::run).get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ProviderFailure.class);

            assertThat(provider.timer("list_snapshots", "ok").count()).isEqualTo(1);
            assertThat(provider.timer("list_snapshots", "rate_limited").count()).isEqualTo(1);
        }
    }

    /** The client's hold after a 429 is a gauge: 0 before, VPS.org's wait left (at most vpsorg.max-hold) during it. */
    @Test
    void theHoldAfterA429IsShownAsAGauge() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (VpsOrgSimulator simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
             VpsOrgClient client = VpsOrgClient.connect(
                     VpsOrgSettings.defaults(simulator.baseUri(), new ApiToken(VpsOrgSimulator.DEMO_TOKEN)))) {
            var gauge = RecoveryServicesFactory.heldBackSeconds(client, registry);
            assertThat(gauge.value()).isZero();

            simulator.faults().add(Fault.rateLimited(java.time.Duration.ofSeconds(600)).on("GET", "/api/v1/snapshots/"));
            assertThatThrownBy(() -> client.listSnapshots(Optional.empty())).isInstanceOf(ProviderFailure.class);

            assertThat(registry.find("vpsr.vpsorg.held_back_seconds").gauge()).isSameAs(gauge);
            assertThat(gauge.value()).isPositive().isLessThanOrEqualTo(60.0);
        }
    }

    /** The circuit breaker's state is a gauge (session 53: it showed only in one WARN as it opened): 0, then 1 while open. */
    @Test
    void anOpenCircuitIsShownAsAGauge() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (VpsOrgSimulator simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
             VpsOrgClient client = VpsOrgClient.connect(
                     VpsOrgSettings.defaults(simulator.baseUri(), new ApiToken(VpsOrgSimulator.DEMO_TOKEN))
                             .withCircuitBreaker(new VpsOrgSettings.CircuitBreaker(3, 3, java.time.Duration.ofMinutes(1))))) {
            var gauge = RecoveryServicesFactory.circuitOpen(client, registry);
            assertThat(gauge.value()).isZero();

            simulator.faults().add(Fault.serverError(503));
            assertThatThrownBy(() -> client.listSnapshots(Optional.empty())).isInstanceOf(ProviderFailure.class);

            assertThat(registry.find("vpsr.vpsorg.circuit_open").gauge()).isSameAs(gauge);
            assertThat(gauge.value()).isEqualTo(1.0);
        }
    }
}
