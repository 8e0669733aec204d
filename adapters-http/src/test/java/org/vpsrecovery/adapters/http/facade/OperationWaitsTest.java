package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.common.TeamId;

/** vpsr.operations.max-waits and max-waits-per-team (ADR 0024): the settings' bounds, named when wrong. */
class OperationWaitsTest {

    private static final AuditReader BLUE = new AuditReader.Team(new TeamId("blue"));
    private static final AuditReader GREEN = new AuditReader.Team(new TeamId("green"));

    @Test
    void aWrongSettingIsRefusedNamingItsKey() {
        assertThatThrownBy(() -> new OperationWaits(-1, 0)).hasMessageContaining("vpsr.operations.max-waits must be");
        assertThatThrownBy(() -> new OperationWaits(4, 5)).hasMessageContaining("vpsr.operations.max-waits-per-team must be 1-4");
        assertThatThrownBy(() -> new OperationWaits(4, -1)).hasMessageContaining("vpsr.operations.max-waits-per-team");
    }

    @Test
    void aTeamAtItsShareIsRefusedWhileAnotherTeamIsServed() {
        OperationWaits waits = new OperationWaits(3, 1);

        String served = waits.inASlot(BLUE, () -> {
            assertThatThrownBy(() -> waits.inASlot(BLUE, () -> "second of blue"))
                    .isInstanceOf(OperationWaits.Refused.class).hasMessageContaining("your team");
            return waits.inASlot(GREEN, () -> "green");
        });

        assertThat(served).isEqualTo("green");
        assertThat(waits.inASlot(BLUE, () -> "blue again")).isEqualTo("blue again");
    }

    @Test
    void unsetATeamsShareIsEightOrEverySlotWhenThereAreFewer() {
        OperationWaits two = new OperationWaits(2, 0);
        assertThat(two.inASlot(BLUE, () -> two.inASlot(BLUE, () -> "both of blue's"))).isEqualTo("both of blue's");
        OperationWaits none = new OperationWaits(0, 0);
        assertThatThrownBy(() -> none.inASlot(BLUE, () -> "never")).hasMessageContaining("this instance");
    }
}
