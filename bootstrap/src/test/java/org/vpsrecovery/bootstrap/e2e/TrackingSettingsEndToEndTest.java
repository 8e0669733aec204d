package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.application.operation.TrackOperationsService;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/** The tracking keys (ADR 0048) as an operator sets them reach the tracker the service runs, by their documented names. */
class TrackingSettingsEndToEndTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    @Test
    void theTrackingKeysReachTheTrackerTheServiceRuns() {
        try (VpsOrgSimulator simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
             RunningPlatform platform = RunningPlatform.start(DATABASE.database(), simulator, Map.of(
                     "vpsr.tracking.batch", "50",
                     "vpsr.tracking.per-lock-hold", "5",
                     "vpsr.tracking.first-look", "3s",
                     "vpsr.tracking.longest-look", "2m",
                     "vpsr.reconcile.settle-after", "7m"))) {
            TrackOperationsService.Settings settings = platform.context.getBean(TrackOperationsService.class).settings();

            assertThat(settings).isEqualTo(new TrackOperationsService.Settings(Duration.ofSeconds(3),
                    Duration.ofMinutes(2), 50, Duration.ofMinutes(7), 5));
        }
    }
}
