package org.vpsrecovery.domain.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the first checkpoint signed after the platform's database went back (a failover that lost transactions, a
 * restore to an earlier point) says of the checkpoint file set aside for it (ADR 0022, amended in session 51): the set-aside
 * file's last checkpoint ({@code setAsideSequence}, its hash, its {@link ChainCheckpoint#digest()}, when it was taken),
 * so an auditor holding that file can tell it is the one meant, and the last of its checkpoints the restored chain
 * still held ({@code heldThrough}, 0 when none did, and when it was taken). The events after {@code heldThrough} up to
 * {@code setAsideSequence} were witnessed and are gone or now other events; any after them were lost unwitnessed.
 */
public record ChainCut(long setAsideSequence, ChainHash setAsideHash, ChainHash setAsideDigest, Instant setAsideTakenAt,
                       long heldThrough, Optional<Instant> heldThroughTakenAt) {

    public ChainCut {
        Objects.requireNonNull(setAsideHash, "set-aside hash");
        Objects.requireNonNull(setAsideDigest, "set-aside digest");
        Objects.requireNonNull(setAsideTakenAt, "set-aside taken at");
        Objects.requireNonNull(heldThroughTakenAt, "held through taken at");
        if (setAsideSequence <= 0) {
            throw new IllegalArgumentException("a set-aside checkpoint's sequence must be positive");
        }
        if (heldThrough < 0 || heldThrough > setAsideSequence) {
            throw new IllegalArgumentException("the chain held through 0 up to the set-aside checkpoint's sequence, was "
                    + heldThrough);
        }
        if (heldThroughTakenAt.isPresent() != heldThrough > 0) {
            throw new IllegalArgumentException("a checkpoint the chain held through has a time, and only one");
        }
    }

    /** The set-aside file's last checkpoint and what the restored chain still held of it. */
    public static ChainCut of(ChainCheckpoint setAsideLast, Optional<ChainCheckpoint> lastHeld) {
        Objects.requireNonNull(setAsideLast, "set-aside last");
        Objects.requireNonNull(lastHeld, "last held");
        return new ChainCut(setAsideLast.sequence(), setAsideLast.hash(), setAsideLast.digest(), setAsideLast.takenAt(),
                lastHeld.map(ChainCheckpoint::sequence).orElse(0L), lastHeld.map(ChainCheckpoint::takenAt));
    }

    /** In words, for the checkpoint that states it ({@code after}). */
    public String describe(ChainCheckpoint after) {
        String held = heldThrough == 0 ? "none of the set-aside checkpoints held"
                : "the set-aside checkpoints held the chain through event " + heldThrough + " (witnessed at "
                        + heldThroughTakenAt.orElseThrow() + ")";
        String lost = heldThrough == setAsideSequence ? "no event they witnessed was lost"
                : "events " + (heldThrough + 1) + " to " + setAsideSequence + ", witnessed by " + setAsideTakenAt
                        + ", are gone or now other events, and any after them were lost unwitnessed";
        return "the platform's database went back and the chain was cut: " + held + "; " + lost
                + "; the checkpoints signed since start at event " + after.sequence() + " (taken at " + after.takenAt()
                + "), which names the set-aside file's last checkpoint (event " + setAsideSequence + ", digest "
                + setAsideDigest + ")";
    }
}
