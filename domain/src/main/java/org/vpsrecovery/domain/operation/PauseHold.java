package org.vpsrecovery.domain.operation;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether the pause after a platform database restore holds an approved run back (ADR 0043, amended in session 55). A
 * field of {@link RecoveryOperation}, moved only by its transitions:
 *
 * <pre>
 * APPROVED: NONE ──heldBackByThePause──▶ HELD_BACK ──noLongerHeldBack──▶ NO_LONGER_HELD
 *                                           └──givenUpWhileHeldBack──▶ REJECTED: GIVEN_UP_WHILE_HELD
 * any other move: NONE
 * </pre>
 *
 * Each has the words its note starts with; nothing decides from them. The release before session 55 kept the hold only
 * as those words: the persistence adapter's mapping, the only reader of its rows, reads them there (ADR 0043, amended in
 * session 56).
 */
public enum PauseHold {
    /** Never held back by the pause, or moved on since. */
    NONE(null, ""),
    /** Approved before the restore point; the service is paused, so it waits for the restart without the pause. */
    HELD_BACK(OperationState.APPROVED, "held back: the platform's database was restored from a backup and the service is "
            + "paused until the operator has put it right; approved before the restore point, it runs once the service "
            + "is restarted without the pause, if that is before its run-by time "),
    /** Held back, then tried by a service without the pause and not startable now: the server or VPS.org keep it. */
    NO_LONGER_HELD(OperationState.APPROVED, "no longer held back: the service runs normally again since the database "
            + "restore; "),
    /** Held back until its run-by time passed: given up, never asked of VPS.org. */
    GIVEN_UP_WHILE_HELD(OperationState.REJECTED, "approved before the restore point of the platform's database, it was "
            + "held back by the pause after that restore until its run-by time ");

    private final OperationState state;
    private final String noteStart;

    PauseHold(OperationState state, String noteStart) {
        this.state = state;
        this.noteStart = noteStart;
    }

    /** The state an operation with this hold is in; null for {@link #NONE}, which any state may have. */
    public OperationState state() {
        return state;
    }

    /** The words an operation's note starts with while it has this hold; empty for {@link #NONE}. */
    public String noteStart() {
        return noteStart;
    }

    /** As stored. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<PauseHold> fromWireName(String stored) {
        return Arrays.stream(values()).filter(hold -> hold.wireName().equals(stored)).findFirst();
    }
}
