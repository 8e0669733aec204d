package org.vpsrecovery.domain.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.domain.limits.RecoveryLimits.PROVIDER_MANUAL_BACKUPS_PER_SERVER;
import static org.vpsrecovery.domain.limits.RecoveryLimits.PROVIDER_SNAPSHOTS_PER_SERVER;

import org.junit.jupiter.api.Test;

class RecoveryLimitsTest {

    /** VPS.org's documented numbers, restated on purpose: the constants must not drift from the provider's documentation. */
    @Test
    void theProvidersDocumentedLimitsAreFiveSnapshotsAndTenManualBackups() {
        assertThat(RecoveryLimits.PROVIDER_DOCUMENTED).isEqualTo(new RecoveryLimits(5, 10));
    }

    @Test
    void aTeamMayBeHeldLowerDownToZeroButNeverAboveTheProvider() {
        assertThat(new RecoveryLimits(0, 0).snapshotsPerServer()).isZero();
        assertThat(new RecoveryLimits(3, 7).manualBackupsPerServer()).isEqualTo(7);
        assertThatThrownBy(() -> new RecoveryLimits(PROVIDER_SNAPSHOTS_PER_SERVER + 1, PROVIDER_MANUAL_BACKUPS_PER_SERVER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provider's " + PROVIDER_SNAPSHOTS_PER_SERVER);
        assertThatThrownBy(() -> new RecoveryLimits(PROVIDER_SNAPSHOTS_PER_SERVER, PROVIDER_MANUAL_BACKUPS_PER_SERVER + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("provider's " + PROVIDER_MANUAL_BACKUPS_PER_SERVER);
        assertThatThrownBy(() -> new RecoveryLimits(-1, PROVIDER_MANUAL_BACKUPS_PER_SERVER))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
