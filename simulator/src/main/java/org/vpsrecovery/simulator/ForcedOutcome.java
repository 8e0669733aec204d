package org.vpsrecovery.simulator;

import java.util.Objects;

/**
 * An outcome imposed on the next {@code times} creations, whatever the failure rate: of snapshots,
 * of backups, or ({@code kind} {@code null}) of either.
 *
 * <pre>{@code
 * simulator.lifecycle().force(ForcedOutcome.of(CreationOutcome.FAILED));
 * simulator.lifecycle().force(ForcedOutcome.of(CreationOutcome.VANISHED).forBackups().times(2));
 * }</pre>
 */
public record ForcedOutcome(CreationOutcome outcome, String kind, int times) {

    public static final String SNAPSHOT = "snapshot";
    public static final String BACKUP = "backup";

    public ForcedOutcome {
        Objects.requireNonNull(outcome, "outcome");
        if (kind != null && !kind.equals(SNAPSHOT) && !kind.equals(BACKUP)) {
            throw new IllegalArgumentException("kind must be snapshot or backup, was \"" + kind + "\"");
        }
        if (times < 1) {
            throw new IllegalArgumentException("times must be positive");
        }
    }

    /** The next creation, snapshot or backup. */
    public static ForcedOutcome of(CreationOutcome outcome) {
        return new ForcedOutcome(outcome, null, 1);
    }

    public ForcedOutcome forSnapshots() {
        return new ForcedOutcome(outcome, SNAPSHOT, times);
    }

    public ForcedOutcome forBackups() {
        return new ForcedOutcome(outcome, BACKUP, times);
    }

    public ForcedOutcome times(int count) {
        return new ForcedOutcome(outcome, kind, count);
    }

    boolean appliesTo(String creationKind) {
        return kind == null || kind.equals(creationKind);
    }
}
