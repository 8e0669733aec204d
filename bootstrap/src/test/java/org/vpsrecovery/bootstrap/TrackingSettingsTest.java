package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.operation.TrackOperationsService;

/** vpsr.tracking.batch and per-lock-hold (ADR 0048): a wrong value stops the start naming the keys (TrackingSettingsEndToEndTest: a right one reaches the tracker). */
class TrackingSettingsTest {

    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void aWrongValueStopsTheStartNamingTheKeys() {
        assertThatThrownBy(() -> RecoveryServicesFactory.trackingSettings(FIVE_SECONDS, MINUTE, 200, MINUTE, 0))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("per-lock-hold")
                .hasMessageContaining("operations per lock hold must be positive");
        assertThatThrownBy(() -> RecoveryServicesFactory.trackingSettings(FIVE_SECONDS, MINUTE, 0, MINUTE, 20))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("vpsr.tracking")
                .hasMessageContaining("batch) must be 1-");
        assertThatThrownBy(() -> RecoveryServicesFactory.trackingSettings(MINUTE, FIVE_SECONDS, 200, MINUTE, 20))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("longest no shorter than the first");
    }
}
