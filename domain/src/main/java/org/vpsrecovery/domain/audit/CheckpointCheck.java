package org.vpsrecovery.domain.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * Compares the audit chain as stored with the signed checkpoints kept outside the database. The
 * chain walk catches edits by anyone who cannot rewrite every later row and the head; this catches
 * the rest, as far back as the checkpoints reach: the chain is broken if any genuine checkpoint's
 * (sequence, hash) is not in the chain as stored, either because that event is gone (truncated) or
 * because it has another hash (rewritten). A checkpoint that is not signed by a trusted key, or an
 * entry that no longer reads as one, is itself reported: the witness was forged or edited.
 *
 * <p>Feed it every stored checkpoint with the hash stored at its sequence, read <em>after</em> the
 * checkpoint (so an append since then is never taken for a truncation), then combine with the walk.
 * Not thread-safe: one check per verification.
 */
public final class CheckpointCheck {

    private record Finding(long sequence, ChainVerification.Fault fault, String explanation,
                           Optional<ChainCheckpoint> truncatedAt) {
    }

    private final CheckpointKeys trusted;
    private long checked;
    private ChainCheckpoint latest;
    private Finding first;

    public CheckpointCheck(CheckpointKeys trusted) {
        this.trusted = Objects.requireNonNull(trusted, "trusted keys");
    }

    /** Checks one stored entry against the hash stored at its sequence (empty: no event stored there). */
    public void check(StoredCheckpoint entry, Optional<ChainHash> storedHash) {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(storedHash, "stored hash");
        checked++;
        switch (entry) {
            case StoredCheckpoint.Unreadable damaged -> found(new Finding(damaged.after() + 1,
                    ChainVerification.Fault.FORGED_CHECKPOINT, damaged.location() + " does not read as a checkpoint ("
                    + damaged.reason() + "); the witness after event " + damaged.after() + " was edited",
                    Optional.empty()));
            case StoredCheckpoint.Readable readable -> check(readable.checkpoint(), storedHash);
        }
    }

    private void check(ChainCheckpoint checkpoint, Optional<ChainHash> storedHash) {
        String which = "the checkpoint of event " + checkpoint.sequence() + " taken at " + checkpoint.takenAt();
        if (!trusted.keyIds().contains(checkpoint.keyId())) {
            found(new Finding(checkpoint.sequence(), ChainVerification.Fault.FORGED_CHECKPOINT,
                    which + " is signed by key " + checkpoint.keyId() + ", which is not a trusted checkpoint key",
                    Optional.empty()));
        } else if (!trusted.verifies(checkpoint)) {
            found(new Finding(checkpoint.sequence(), ChainVerification.Fault.FORGED_CHECKPOINT,
                    which + " does not match its signature (key " + checkpoint.keyId() + "): it was forged or edited",
                    Optional.empty()));
        } else if (storedHash.isEmpty()) {
            found(new Finding(checkpoint.sequence(), ChainVerification.Fault.TRUNCATED,
                    "event " + checkpoint.sequence() + ", witnessed by " + which + " with hash " + checkpoint.hash()
                            + ", is no longer stored", Optional.of(checkpoint)));
        } else if (!storedHash.get().equals(checkpoint.hash())) {
            found(new Finding(checkpoint.sequence(), ChainVerification.Fault.REWRITTEN,
                    "event " + checkpoint.sequence() + " is stored with hash " + storedHash.get() + " but " + which
                            + " witnessed " + checkpoint.hash() + ": the history up to it was rewritten",
                    Optional.empty()));
        } else if (latest == null || checkpoint.sequence() > latest.sequence()) {
            latest = checkpoint;
        }
    }

    private void found(Finding finding) {
        if (first == null || finding.sequence() < first.sequence()) {
            first = finding;
        }
    }

    /**
     * The verdict: the earliest break in chain order, whether the walk or a checkpoint found it (the
     * walk's on a tie), else intact with what the checkpoints vouched for.
     */
    public ChainVerification against(ChainVerification walked) {
        Objects.requireNonNull(walked, "walked");
        if (walked instanceof ChainVerification.Broken broken
                && (first == null || broken.sequence() <= first.sequence())) {
            return new ChainVerification.Broken(broken.sequence(), broken.fault(), broken.explanation(), checked);
        }
        if (first != null) {
            long sequence = first.sequence();
            String explanation = first.explanation();
            if (first.truncatedAt().isPresent() && walked instanceof ChainVerification.Intact intact
                    && intact.eventsChecked() < sequence) {
                // Name the first event that is gone, not only the one the checkpoint happens to name.
                sequence = intact.eventsChecked() + 1;
                explanation += "; the stored chain ends at event " + intact.eventsChecked();
            }
            return new ChainVerification.Broken(sequence, first.fault(), explanation, checked);
        }
        ChainVerification.Intact intact = (ChainVerification.Intact) walked;
        return new ChainVerification.Intact(intact.eventsChecked(), intact.head(), checked, Optional.ofNullable(latest));
    }
}
