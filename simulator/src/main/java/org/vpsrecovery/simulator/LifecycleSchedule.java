package org.vpsrecovery.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Decides each creation's duration and outcome, and each restore's duration: drawn from the
 * options' random seed, so the same calls in the same order always get the same story; forced
 * outcomes (switched on in code or at {@code /__admin/outcomes}) take precedence, in the order added.
 * Every creation draws the same numbers, forced or not, so forcing one does not change the others.
 */
public final class LifecycleSchedule {

    /** What a creation asked for now will do: end after {@code takes}, as {@code outcome}. */
    record Creation(Duration takes, CreationOutcome outcome) {
    }

    private static final class Armed {
        final ForcedOutcome forced;
        int remaining;

        Armed(ForcedOutcome forced) {
            this.forced = forced;
            this.remaining = forced.times();
        }
    }

    private final Lifecycle initial;
    private final long randomSeed;
    private final List<Armed> forced = new ArrayList<>();
    private Lifecycle lifecycle;
    private SplittableRandom random;

    LifecycleSchedule(Lifecycle initial, long randomSeed) {
        this.initial = Objects.requireNonNull(initial, "lifecycle");
        this.randomSeed = randomSeed;
        reset();
    }

    public synchronized Lifecycle lifecycle() {
        return lifecycle;
    }

    /** From now on (creations and restores already started keep their end). */
    public synchronized void change(Lifecycle newLifecycle) {
        lifecycle = Objects.requireNonNull(newLifecycle, "lifecycle");
    }

    public synchronized void force(ForcedOutcome outcome) {
        forced.add(new Armed(Objects.requireNonNull(outcome, "outcome")));
    }

    /** The forced outcomes still to come, each with the number of creations it has left. */
    public synchronized List<ForcedOutcome> forced() {
        return forced.stream().map(a -> new ForcedOutcome(a.forced.outcome(), a.forced.kind(), a.remaining)).toList();
    }

    public synchronized void clearForced() {
        forced.clear();
    }

    long randomSeed() {
        return randomSeed;
    }

    /** Back to the options' lifecycle and the first draw of the seed, nothing forced. */
    synchronized void reset() {
        lifecycle = initial;
        random = new SplittableRandom(randomSeed);
        forced.clear();
    }

    /** A {@code snapshot} or {@code backup} creation asked for now. */
    synchronized Creation nextCreation(String kind) {
        DurationRange range = ForcedOutcome.SNAPSHOT.equals(kind) ? lifecycle.snapshotCreation() : lifecycle.backupCreation();
        Duration takes = range.draw(random);
        CreationOutcome drawn = random.nextDouble() < lifecycle.failureRate() ? CreationOutcome.FAILED : CreationOutcome.COMPLETED;
        return new Creation(takes, takeForced(kind).orElse(drawn));
    }

    /** A restore from a {@code snapshot} or a {@code backup} asked for now. */
    synchronized Duration nextRestore(String kind) {
        return (ForcedOutcome.SNAPSHOT.equals(kind) ? lifecycle.restore() : lifecycle.backupRestore()).draw(random);
    }

    private Optional<CreationOutcome> takeForced(String kind) {
        for (Iterator<Armed> iterator = forced.iterator(); iterator.hasNext(); ) {
            Armed candidate = iterator.next();
            if (candidate.forced.appliesTo(kind)) {
                if (--candidate.remaining == 0) {
                    iterator.remove();
                }
                return Optional.of(candidate.forced.outcome());
            }
        }
        return Optional.empty();
    }
}
