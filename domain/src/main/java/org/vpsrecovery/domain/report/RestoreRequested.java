package org.vpsrecovery.domain.report;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;

/**
 * The newest restore the platform asked VPS.org for on a server (its intent, {@code ACCEPTED}), and how the history
 * says it ended: since session 49 no restore ends {@code COMPLETED}, so the last completed one may be far older than
 * the last one run (ADR 0024, amended in session 50).
 */
public record RestoreRequested(Instant requestedAt, Ending ending) {

    public RestoreRequested {
        Objects.requireNonNull(requestedAt, "requested at");
        Objects.requireNonNull(ending, "ending");
    }

    /** How the restore's attempt ended, read from its first final outcome; none yet is {@link #OPEN}. */
    public enum Ending {
        /** No final outcome yet: VPS.org's answer awaited or lost, or its window still running. */
        OPEN,
        /** Its window ended ({@code UNVERIFIABLE}, any reason but an early release): VPS.org shows no restore's end. */
        UNVERIFIABLE,
        /** The team released its hold early ({@code UNVERIFIABLE RESTORE_HOLD_RELEASED}). */
        RELEASED,
        /** {@code FAILED}: refused or failed at VPS.org, or its safety snapshot failed. */
        FAILED,
        /** {@code COMPLETED}: written by releases before session 49 (the window's end; before V6, "taken"). */
        COMPLETED;

        /**
         * The ending of an attempt whose first final outcome has this kind and reason (as stored; a reason a later
         * release named is no early release); no final outcome is {@link #OPEN}.
         */
        public static Ending of(Optional<Outcome.Kind> finalOutcome, Optional<String> reason) {
            if (finalOutcome.isEmpty()) {
                return OPEN;
            }
            return switch (finalOutcome.get()) {
                case COMPLETED -> COMPLETED;
                case FAILED -> FAILED;
                case UNVERIFIABLE -> reason.filter(ReasonCode.RESTORE_HOLD_RELEASED.name()::equals).isPresent()
                        ? RELEASED : UNVERIFIABLE;
                default -> throw new IllegalArgumentException(finalOutcome.get() + " settles no attempt");
            };
        }
    }
}
