package org.vpsrecovery.application.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.ChainCut;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainPosition;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.CheckpointCheck;
import org.vpsrecovery.domain.audit.CheckpointKeys;
import org.vpsrecovery.domain.audit.CheckpointSigner;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.ChainCheckpoints;
import org.vpsrecovery.domain.port.ChainPositions;

/**
 * Walks the events since the last walked checkpoint and, when they hold, signs where the walk ended
 * and keeps it outside the database (ADR 0022, ADR 0047). Run periodically by every instance: each is
 * a witness of its own. A chain that does not hold is not signed: a checkpoint says "I walked the chain
 * up to here and it held", so that verification may later walk only what came after the latest one.
 */
public final class RecordChainCheckpointService {

    /**
     * One round: the head seen, the checkpoint stored before it, the one recorded now if the chain moved,
     * and the break the walk found instead, if it found one.
     */
    public record Round(ChainPosition head, Optional<ChainCheckpoint> previous, Optional<ChainCheckpoint> recorded,
                        Optional<ChainVerification.Broken> broken) {
        public Round {
            Objects.requireNonNull(head, "head");
            Objects.requireNonNull(previous, "previous");
            Objects.requireNonNull(recorded, "recorded");
            Objects.requireNonNull(broken, "broken");
        }

        /** The head is now below a checkpoint already taken: someone cut the chain back (verify will say so). */
        public boolean headMovedBack() {
            return previous.isPresent() && head.sequence() < previous.get().sequence();
        }
    }

    /** How far a round may walk before it signs. */
    public enum Walk {
        /** From the last walked checkpoint, or from the first event when there is none. */
        AS_FAR_AS_NEEDED,
        /**
         * Only from a walked checkpoint: with none yet (a history older than walked checkpoints, still
         * being walked from its first event), the head is signed as stored, stating no walk. For the
         * round on the way out, which must not hold a stop for a walk of the whole history.
         */
        ONLY_SINCE_A_WALKED_CHECKPOINT
    }

    private final AuditHistory history;
    private final ChainPositions positions;
    private final ChainCheckpoints checkpoints;
    private final CheckpointSigner signer;
    private final CheckpointKeys trusted;
    private final Clock clock;
    // The checkpoint file set aside after the database went back, named at this start (ADR 0022, amended in session 51).
    private final Optional<SetAsideCheckpoints> setAside;
    // Rounds of one instance run one at a time; a lock, not a monitor, so the round on the way out can give up waiting.
    private final ReentrantLock rounds = new ReentrantLock();
    // The latest checkpoint known here to be walked from the first event on; looked up once per process.
    private ChainCheckpoint walkedBase;
    private boolean baseLookedUp;
    // What the stored checkpoints found against the chain when looked up: never signed over (ADR 0052).
    private Optional<ChainVerification.Broken> checkpointsBroken = Optional.empty();

    public RecordChainCheckpointService(AuditHistory history, ChainPositions positions, ChainCheckpoints checkpoints,
                                        CheckpointSigner signer, CheckpointKeys trusted, Clock clock) {
        this(history, positions, checkpoints, signer, trusted, clock, Optional.empty());
    }

    /**
     * With the checkpoint file set aside after the database went back: the first checkpoint signed into an empty store
     * names its last checkpoint and what the chain still held of it ({@link ChainCut}).
     */
    public RecordChainCheckpointService(AuditHistory history, ChainPositions positions, ChainCheckpoints checkpoints,
                                        CheckpointSigner signer, CheckpointKeys trusted, Clock clock,
                                        Optional<SetAsideCheckpoints> setAside) {
        this.setAside = Objects.requireNonNull(setAside, "set aside");
        this.history = Objects.requireNonNull(history, "history");
        this.positions = Objects.requireNonNull(positions, "positions");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        this.signer = Objects.requireNonNull(signer, "signer");
        this.trusted = Objects.requireNonNull(trusted, "trusted keys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Round recordIfMoved() {
        return recordIfMoved(Walk.AS_FAR_AS_NEEDED);
    }

    /**
     * One round, after the round under way if there is one: rounds of one instance run one at a time. For the periodic
     * rounds, which come one after the other anyway (a fixed delay), and a caller that wants the answer.
     */
    public Round recordIfMoved(Walk walk) {
        Objects.requireNonNull(walk, "walk");
        rounds.lock();
        try {
            return round(walk);
        } finally {
            rounds.unlock();
        }
    }

    /**
     * The round on the way out (ADR 0052, amended in session 45): only since a walked checkpoint, and only if the round
     * under way ends within {@code wait}. A periodic round may be walking from the first event (minutes at 10 M
     * events); a stop does not wait for it. Empty when it did not end in time, or the caller was interrupted: nothing
     * signed.
     */
    public Optional<Round> recordOnTheWayOut(Duration wait) {
        Objects.requireNonNull(wait, "wait");
        try {
            if (!rounds.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                return Optional.empty();
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        try {
            return Optional.of(round(Walk.ONLY_SINCE_A_WALKED_CHECKPOINT));
        } finally {
            rounds.unlock();
        }
    }

    private Round round(Walk walk) {
        ChainPosition head = positions.head();
        Optional<ChainCheckpoint> stored = checkpoints.latest();
        if (head.isEmpty() || stored.map(latest -> latest.sequence() >= head.sequence()).orElse(false)) {
            return new Round(head, stored, Optional.empty(), Optional.empty()); // nothing new, or cut back
        }
        Optional<ChainCheckpoint> base = walkBase(stored);
        if (checkpointsBroken.isPresent()) {
            // A chain rewritten whole walks intact; the checkpoints tell it. Signing over it would bury the finding.
            return new Round(head, stored, Optional.empty(), checkpointsBroken);
        }
        if (base.isEmpty() && walk == Walk.ONLY_SINCE_A_WALKED_CHECKPOINT) {
            return sign(head, head, OptionalLong.empty());
        }
        ChainVerification walked = base
                .map(from -> history.verifyChainAfter(from.sequence(), from.hash()))
                .orElseGet(history::verifyChain);
        if (walked instanceof ChainVerification.Broken broken) {
            return new Round(head, stored, Optional.empty(), Optional.of(broken));
        }
        ChainVerification.Intact intact = (ChainVerification.Intact) walked;
        ChainPosition reached = new ChainPosition(intact.lastSequence(), intact.head());
        if (reached.sequence() > head.sequence()) {
            // The walk read on past the durable head (commits a crash could still take back, ADR 0102): it signs the
            // durable head it walked through, never beyond it, once the hash stored there is the one read as durable.
            if (!head.hash().equals(positions.hashesAt(List.of(head.sequence())).get(head.sequence()))) {
                return new Round(head, stored, Optional.empty(), Optional.empty()); // moved under us: the next round
            }
            reached = head;
        }
        Round round = sign(head, reached, OptionalLong.of(base.map(ChainCheckpoint::sequence).orElse(0L)));
        round.recorded().ifPresent(recorded -> walkedBase = recorded);
        return round;
    }

    /**
     * Where this round's walk starts: the latest walked checkpoint among those stored, looked up once,
     * then the one this instance signed last, or a later one another instance signed walking from it.
     */
    private Optional<ChainCheckpoint> walkBase(Optional<ChainCheckpoint> stored) {
        if (!baseLookedUp) {
            CheckpointCheck check = StoredCheckpointsReading.checkAll(checkpoints, positions, trusted);
            checkpointsBroken = check.finding();
            walkedBase = check.walkStart().orElse(null);
            baseLookedUp = true;
        } else if (walkedBase != null && stored.isPresent() && walksOn(stored.get(), walkedBase)) {
            walkedBase = stored.get();
        }
        return Optional.ofNullable(walkedBase);
    }

    private boolean walksOn(ChainCheckpoint candidate, ChainCheckpoint base) {
        return candidate.sequence() > base.sequence()
                && candidate.walkedAfter().equals(OptionalLong.of(base.sequence()))
                && trusted.verifies(candidate);
    }

    private Round sign(ChainPosition head, ChainPosition position, OptionalLong walkedAfter) {
        List<Optional<ChainCheckpoint>> seen = new ArrayList<>(1);
        // Decided and signed while the store holds its append lock, after the latest checkpoint.
        Optional<ChainCheckpoint> recorded = checkpoints.append(latest -> {
            seen.add(latest);
            if (latest.map(other -> other.sequence() >= position.sequence()).orElse(false)) {
                return Optional.empty(); // another instance witnessed as far meanwhile
            }
            Instant now = clock.instant();
            ChainHash previous = ChainCheckpoint.digestOf(latest);
            if (latest.isEmpty() && setAside.isPresent()) {
                ChainCut cut = setAside.get().cutAgainst(positions);
                return Optional.of(signer.signAfterCut(position, now, previous, walkedAfter, cut));
            }
            return Optional.of(walkedAfter.isPresent()
                    ? signer.signWalked(position, now, previous, walkedAfter.getAsLong())
                    : signer.sign(position, now, previous));
        });
        return new Round(head, seen.getFirst(), recorded, Optional.empty());
    }
}
