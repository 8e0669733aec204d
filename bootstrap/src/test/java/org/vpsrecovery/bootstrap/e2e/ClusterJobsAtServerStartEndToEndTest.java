package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.ClusterJobs;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The cluster jobs (their services and db-scheduler) are built once the HTTP server listens, not before it
 * (ADR 0091): a start does that work after binding, beside its first requests. A wrong job setting still stops
 * the start, naming the setting.
 */
class ClusterJobsAtServerStartEndToEndTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    static VpsOrgSimulator simulator;

    @BeforeAll
    static void start() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void theContextWithoutItsServerHasNotBuiltTheJobs() {
        try (ApplicationContext context = ApplicationContext.builder()
                .properties(RunningPlatform.properties(DATABASE.database(), simulator, Map.of())).start()) {
            assertThat(context.getActiveBeanRegistrations(ClusterJobs.class)).isEmpty();
        }
    }

    @Test
    void onceTheServerListensTheJobsAreBuiltAndStartedAndReadinessSaysSo() {
        try (RunningPlatform platform = RunningPlatform.start(DATABASE.database(), simulator, Map.of())) {
            assertThat(platform.context.getActiveBeanRegistrations(ClusterJobs.class)).hasSize(1);
            Answer ready = platform.send("GET", "/health/readiness", RunningPlatform.AUDITOR_TOKEN, null);
            assertThat(ready.status()).as(ready.raw().body()).isEqualTo(200);
            assertThat(ready.raw().body()).contains("\"scheduler\":\"started\"");
        }
    }

    @Test
    void aWrongJobSettingStillStopsTheStartNamingIt() {
        assertThatThrownBy(() -> RunningPlatform.start(DATABASE.database(), simulator,
                Map.of("vpsr.policies.retry-attempts", "-1")).close())
                .rootCause().hasMessageContaining("vpsr.policies.retry-attempts");
    }
}
