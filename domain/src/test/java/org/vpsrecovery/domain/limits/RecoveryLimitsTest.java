package org.vpsrecovery.domain.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RecoveryLimitsTest {

    @Test
    void theProvidersDocumentedLimitsAreFiveSnapshotsAndTenManualBackups() {
        assertThat(RecoveryLimits.PROVIDER_DOCUMENTED).isEqualTo(new RecoveryLimits(5, 10));
    }

    @Test
    void aTeamMayBeHeldLowerDownToZeroButNeverAboveTheProvider() {
        assertThat(new RecoveryLimits(0, 0).snapshotsPerServer()).isZero();
        assertThat(new RecoveryLimits(3, 7).manualBackupsPerServer()).isEqualTo(7);
        assertThatThrownBy(() -> new RecoveryLimits(6, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provider's 5");
        assertThatThrownBy(() -> new RecoveryLimits(5, 11)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provider's 10");
        assertThatThrownBy(() -> new RecoveryLimits(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
