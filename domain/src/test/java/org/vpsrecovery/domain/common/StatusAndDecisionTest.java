package org.vpsrecovery.domain.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.server.ServerStatus;

class StatusAndDecisionTest {

    @Test
    void creationStatusesReadTheDocumentedAndLikelyValues() {
        assertThat(CreationStatus.fromWire("in_progress")).isEqualTo(CreationStatus.IN_PROGRESS);
        assertThat(CreationStatus.fromWire("completed")).isEqualTo(CreationStatus.COMPLETED);
        assertThat(CreationStatus.fromWire("failed")).isEqualTo(CreationStatus.FAILED);
        assertThat(CreationStatus.fromWire("error").phase()).isEqualTo(CreationStatus.Phase.FAILED);
        assertThat(CreationStatus.fromWire("error").wireValue()).isEqualTo("error");
    }

    @Test
    void unknownCreationStatusesAreKeptVerbatimNotCrashedOn() {
        CreationStatus odd = CreationStatus.fromWire("archiving");
        assertThat(odd.phase()).isEqualTo(CreationStatus.Phase.UNKNOWN);
        assertThat(odd.wireValue()).isEqualTo("archiving");
        assertThat(CreationStatus.fromWire(null).phase()).isEqualTo(CreationStatus.Phase.UNKNOWN);
        assertThat(CreationStatus.fromWire("  ").phase()).isEqualTo(CreationStatus.Phase.UNKNOWN);
        assertThat(CreationStatus.fromWire("x".repeat(500)).wireValue()).hasSize(64);
    }

    @Test
    void serverStatusesReadKnownValuesAndKeepUnknownOnes() {
        assertThat(ServerStatus.fromWire("restoring")).isEqualTo(ServerStatus.RESTORING);
        assertThat(ServerStatus.fromWire("running")).isEqualTo(ServerStatus.RUNNING);
        assertThat(ServerStatus.fromWire("stopped")).isEqualTo(ServerStatus.STOPPED);
        assertThat(ServerStatus.fromWire("migrating")).isEqualTo(new ServerStatus(ServerStatus.Kind.UNKNOWN, "migrating"));
        assertThat(ServerStatus.fromWire(null)).isEqualTo(ServerStatus.UNKNOWN);
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
