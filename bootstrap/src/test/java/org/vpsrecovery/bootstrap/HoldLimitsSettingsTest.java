package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.hold.HoldLimits;

/** vpsr.holds.max-active-per-* (ADR 0029, session 38): a wrong value stops the start naming the key. */
class HoldLimitsSettingsTest {

    private final RecoveryServicesFactory factory = new RecoveryServicesFactory();

    @Test
    void aWrongSettingStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> factory.holdLimits(0, 5000)).isInstanceOf(StartupRefused.class)
                .hasMessageContaining("vpsr.holds.max-active-per-point");
        assertThatThrownBy(() -> factory.holdLimits(50, 49)).isInstanceOf(StartupRefused.class)
                .hasMessageContaining("vpsr.holds.max-active-per-team");
        assertThat(factory.holdLimits(HoldLimits.DEFAULT_ACTIVE_PER_POINT, HoldLimits.DEFAULT_ACTIVE_PER_TEAM))
                .isEqualTo(HoldLimits.DEFAULTS);
    }
}
