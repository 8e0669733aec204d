package org.vpsrecovery.adapters.persistence.operation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.PauseHold;

/**
 * The rule of the release before session 55, which kept the pause's hold only as the start of the note, in its state:
 * read by the row mapping, the only reader of that release's rows (ADR 0043, amended in session 56; on PostgreSQL:
 * {@link PauseHoldMigrationTest}).
 */
class PauseHoldOfThePreviousReleaseTest {

    @Test
    void aRowOfThePreviousReleaseIsReadFromItsNotesStartInItsState() {
        assertThat(OperationRows.pauseHoldFromNoteOfThePreviousRelease(OperationState.APPROVED,
                Optional.of(PauseHold.HELD_BACK.noteStart() + "2026-12-01T10:10:10Z; past it, it is given up")))
                .isEqualTo(PauseHold.HELD_BACK);
        assertThat(OperationRows.pauseHoldFromNoteOfThePreviousRelease(OperationState.APPROVED,
                Optional.of(PauseHold.NO_LONGER_HELD.noteStart() + "approved by bob"))).isEqualTo(PauseHold.NO_LONGER_HELD);
        assertThat(OperationRows.pauseHoldFromNoteOfThePreviousRelease(OperationState.REJECTED,
                Optional.of(PauseHold.GIVEN_UP_WHILE_HELD.noteStart() + "x passed"))).isEqualTo(PauseHold.GIVEN_UP_WHILE_HELD);
        assertThat(OperationRows.pauseHoldFromNoteOfThePreviousRelease(OperationState.ACCEPTED,
                Optional.of(PauseHold.HELD_BACK.noteStart()))).as("not in its state").isEqualTo(PauseHold.NONE);
        assertThat(OperationRows.pauseHoldFromNoteOfThePreviousRelease(OperationState.APPROVED,
                Optional.of("approved by bob"))).isEqualTo(PauseHold.NONE);
        assertThat(OperationRows.pauseHoldFromNoteOfThePreviousRelease(OperationState.APPROVED, Optional.empty()))
                .isEqualTo(PauseHold.NONE);
    }
}
