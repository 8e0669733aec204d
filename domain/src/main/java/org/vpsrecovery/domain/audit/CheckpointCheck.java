package org.vpsrecovery.domain.audit;

import java.util.Objects;

import java.util.Optional;

/**
 * Compares the audit chain as stored with the signed checkpoints kept outside the database. The
 * chain walk catches edits by anyone who cannot rewrite every later row and the head; this catches
 * the rest, as far back as the checkpoints reach: the chain is broken if any genuine checkpoint's
 * (sequence, hash) is not in the chain as stored, either because that event is gone (truncated) or
 * because it has another hash (rewritten). A checkpoint that is not genuine is itself reported: the
 * witness was forged or edited.
 *
 * <p>Genuine means: named key trusted, linked to the checkpoint before it, and vouched for by a valid
 * signature. Links make one signature enough for everything before it, so only the last checkpoint
 * and those that disagree with the chain (whose verdict depends on it) have their signature checked:
 * a year of checkpoints costs one Ed25519 verification and a SHA-256 each, not one verification each.
 *
 * <p>Feed it every stored entry, in order, with the hash stored at its sequence read <em>after</em>
 * the entry (so an append since the checkpoint is never taken for a truncation), then combine with the
 * walk. Not thread-safe: one check per verification.
 */
public final class CheckpointCheck {

    private record Finding(long sequence, ChainVerification.Fault fault, String explanation, boolean truncation) {
    }

    private final CheckpointKeys trusted;
    private long checked;
    private ChainHash expectedPrevious = ChainHash.GENESIS;
    private boolean linkKnown = true;
    private ChainCheckpoint last;
    private boolean lastSignatureChecked;
    private ChainCheckpoint latest;
    // Checkpoints whose signer walked every event up to them, from the first event on (ADR 0047); 0 is the first
    // event's start. Sequences, not boxes: a year of a signer's checkpoints is 525,600 (ADR 0052, amended in session 46).
    private final SequenceSet walkedThrough = new SequenceSet();
    private ChainCheckpoint latestWalked;
    // The checkpoint in the chain that says the chain was cut when the database went back (ADR 0022, session 51).
    private ChainCheckpoint cutAt;
    private Finding first;

    public CheckpointCheck(CheckpointKeys trusted) {
        this.trusted = Objects.requireNonNull(trusted, "trusted keys");
        walkedThrough.add(0);
    }

    /** Checks the next stored entry against the hash stored at its sequence (empty: no event stored there). */
    public void check(StoredCheckpoint entry, Optional<ChainHash> storedHash) {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(storedHash, "stored hash");
        checked++;
        switch (entry) {
            case StoredCheckpoint.Unreadable damaged -> {
                found(new Finding(damaged.after() + 1, ChainVerification.Fault.FORGED_CHECKPOINT,
                        damaged.location() + " does not read as a checkpoint (" + damaged.reason()
                                + "); the witness after event " + damaged.after() + " was edited", false));
                // What follows linked to what could not be read: its link cannot be checked.
                linkKnown = false;
            }
            case StoredCheckpoint.Readable readable -> check(readable.checkpoint(), storedHash);
        }
    }

    private void check(ChainCheckpoint checkpoint, Optional<ChainHash> storedHash) {
        boolean followsTheOneBefore = !linkKnown || checkpoint.previous().equals(expectedPrevious);
        expectedPrevious = checkpoint.digest();
        linkKnown = true;
        last = checkpoint;
        lastSignatureChecked = false;
        if (!trusted.keyIds().contains(checkpoint.keyId())) {
            forged(checkpoint, "is signed by key " + checkpoint.keyId() + ", which is not a trusted checkpoint key");
            lastSignatureChecked = true;
            return;
        }
        if (!followsTheOneBefore) {
            forged(checkpoint, "does not follow the checkpoint before it: the witness was edited, or entries "
                    + "removed or inserted, before it");
            return;
        }
        boolean matches = storedHash.isPresent() && storedHash.get().equals(checkpoint.hash());
        if (!matches) {
            // Whether the chain or the witness lies depends on the signature.
            lastSignatureChecked = true;
            if (!trusted.verifies(checkpoint)) {
                forgedSignature(checkpoint);
            } else if (storedHash.isEmpty()) {
                found(new Finding(checkpoint.sequence(), ChainVerification.Fault.TRUNCATED, "event "
                        + checkpoint.sequence() + ", witnessed by " + which(checkpoint) + " with hash "
                        + checkpoint.hash() + ", is no longer stored", true));
            } else {
                found(new Finding(checkpoint.sequence(), ChainVerification.Fault.REWRITTEN, "event "
                        + checkpoint.sequence() + " is stored with hash " + storedHash.get() + " but "
                        + which(checkpoint) + " witnessed " + checkpoint.hash()
                        + ": the history up to it was rewritten", false));
            }
            return;
        }
        if (latest == null || checkpoint.sequence() > latest.sequence()) {
            latest = checkpoint;
        }
        if (checkpoint.cut().isPresent()) {
            cutAt = checkpoint;
        }
        if (checkpoint.walkedAfter().isPresent() && walkedThrough.contains(checkpoint.walkedAfter().getAsLong())) {
            walkedThrough.add(checkpoint.sequence());
            if (latestWalked == null || checkpoint.sequence() > latestWalked.sequence()) {
                latestWalked = checkpoint;
            }
        }
    }

    private static String which(ChainCheckpoint checkpoint) {
        return "the checkpoint of event " + checkpoint.sequence() + " taken at " + checkpoint.takenAt();
    }

    private void forged(ChainCheckpoint checkpoint, String why) {
        found(new Finding(checkpoint.sequence(), ChainVerification.Fault.FORGED_CHECKPOINT,
                which(checkpoint) + " " + why, false));
    }

    private void forgedSignature(ChainCheckpoint checkpoint) {
        forged(checkpoint, "does not match its signature (key " + checkpoint.keyId() + "): it was forged or edited");
    }

    private void found(Finding finding) {
        if (first == null || finding.sequence() < first.sequence()) {
            first = finding;
        }
    }

    /**
     * The verdict: the earliest break in chain order, whether the walk or a checkpoint found it (the
     * walk's on a tie), else intact with what the checkpoints vouched for. Events only of a later
     * release's the walk found, their hashes holding, come after any checkpoint's finding wherever they
     * are: the walk says so only when it found nothing broken (ADR 0005, amended in session 48).
     */
    public ChainVerification against(ChainVerification walked) {
        Objects.requireNonNull(walked, "walked");
        checkLastSignature();
        if (walked instanceof ChainVerification.Broken broken
                && (first == null || broken.sequence() <= first.sequence()
                        && broken.fault() != ChainVerification.Fault.WRITTEN_BY_A_LATER_RELEASE)) {
            return new ChainVerification.Broken(broken.sequence(), broken.fault(), broken.explanation(), checked,
                    vouchedCut());
        }
        if (first != null) {
            long sequence = first.sequence();
            String explanation = first.explanation();
            if (first.truncation() && walked instanceof ChainVerification.Intact intact
                    && intact.lastSequence() < sequence) {
                // Name the first event that is gone, not only the one the checkpoint happens to name.
                sequence = intact.lastSequence() + 1;
                explanation += "; the stored chain ends at event " + intact.lastSequence();
            }
            return new ChainVerification.Broken(sequence, first.fault(), explanation, checked, vouchedCut());
        }
        ChainVerification.Intact intact = (ChainVerification.Intact) walked;
        return new ChainVerification.Intact(intact.eventsChecked(), intact.head(), checked, Optional.ofNullable(latest),
                intact.walkedAfter(), Optional.ofNullable(cutAt));
    }

    /**
     * The cut beside a break, only if its own signature holds: a break may be the missing link that would have vouched
     * for it, so a checkpoint forged into the file could otherwise name a cut that explains the break away (own-merge
     * review of session 52). Intact, every checkpoint is vouched for by the last one's signature.
     */
    private Optional<ChainCheckpoint> vouchedCut() {
        return Optional.ofNullable(cutAt).filter(trusted::verifies);
    }

    /**
     * What the checkpoints found on their own, after every entry was checked: the earliest checkpoint not in the
     * chain as stored (truncated, rewritten) or not genuine; empty when they all hold. A chain rewritten whole, head
     * and all, walks intact: only this tells it.
     */
    public Optional<ChainVerification.Broken> finding() {
        checkLastSignature();
        return first == null ? Optional.empty()
                : Optional.of(new ChainVerification.Broken(first.sequence(), first.fault(), first.explanation(), checked));
    }

    /**
     * Where a walk may start instead of the first event, after every entry was checked: the latest
     * <em>walked</em> checkpoint, when every checkpoint is genuine and in the chain as stored. Walked
     * means its signer walked the events up to it, intact, starting after a walked checkpoint or at the
     * first event, so that one after the other they vouch for every event up to it; and its stored hash
     * is its own, so the events up to it are the ones walked (an edit made since that left every hash
     * as it was is found only by the full walk). Empty when there is none or anything was found: then
     * the full walk names the earliest break.
     */
    public Optional<ChainCheckpoint> walkStart() {
        checkLastSignature();
        return first == null ? Optional.ofNullable(latestWalked) : Optional.empty();
    }

    private void checkLastSignature() {
        if (last != null && !lastSignatureChecked) {
            // The last signature vouches, through the links, for every checkpoint before it.
            lastSignatureChecked = true;
            if (!trusted.verifies(last)) {
                forgedSignature(last);
            }
        }
    }
}
