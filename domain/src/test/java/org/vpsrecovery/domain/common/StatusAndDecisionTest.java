package org.vpsrecovery.domain.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.server.ServerStatus;

/** Reading the provider's status words is the adapter's (VpsOrgWireMapperStatusTest); decisions are the domain's. */
class StatusAndDecisionTest {

    @Test
    void aStatusLabelIsOneToSixtyFourCharacters() {
        assertThat(new CreationStatus(CreationStatus.Phase.UNKNOWN, "x".repeat(64)).label()).hasSize(64);
        assertThatThrownBy(() -> new CreationStatus(CreationStatus.Phase.UNKNOWN, "x".repeat(65)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CreationStatus(CreationStatus.Phase.FAILED, " "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ServerStatus(ServerStatus.Kind.UNKNOWN, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDenialThrowsItsReasonAndTheFirstDenialWins() {
        Decision denied = Decision.deny(ReasonCode.BACKUP_EXPIRED, "expired");
        assertThat(denied.isAllowed()).isFalse();
        assertThatThrownBy(denied::orThrow).isInstanceOf(RecoveryDenied.class)
                .hasMessage("expired")
                .satisfies(e -> assertThat(((RecoveryDenied) e).reason()).isEqualTo(ReasonCode.BACKUP_EXPIRED));
        assertThat(Decision.allow().and(() -> denied)).isEqualTo(denied);
        assertThat(denied.and(() -> Decision.deny(ReasonCode.SERVER_BUSY, "busy"))).isEqualTo(denied);
        Decision.allow().orThrow();
    }

    @Test
    void aDenialNeedsAReadableDetailAndNotFoundOnlyTakesNotFoundReasons() {
        assertThatThrownBy(() -> Decision.deny(ReasonCode.SERVER_BUSY, " ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResourceNotFound(ReasonCode.SERVER_BUSY, "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new ResourceNotFound(ReasonCode.BACKUP_NOT_FOUND, "backup 1 not found").reason())
                .isEqualTo(ReasonCode.BACKUP_NOT_FOUND);
    }
}
