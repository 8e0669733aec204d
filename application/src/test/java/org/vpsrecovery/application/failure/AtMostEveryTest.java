package org.vpsrecovery.application.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A repeated line said at most once per interval per key, on a fake ticker (session 53). */
class AtMostEveryTest {

    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    /** Starts at a negative value, as System.nanoTime may. */
    private final AtomicLong ticker = new AtomicLong(-5_000_000_000L);

    private void pass(Duration time) {
        ticker.addAndGet(time.toNanos());
    }

    @Test
    void aKeysLineIsSaidAtOnceThenHeldBackForTheIntervalCountingTheTimesHeldBack() {
        AtMostEvery<String> lines = new AtMostEvery<>(TEN_MINUTES, 10, ticker::get);

        assertThat(lines.sayNow("a")).hasValue(0);
        assertThat(lines.sayNow("a")).isEmpty();
        pass(TEN_MINUTES.minusNanos(1));
        assertThat(lines.sayNow("a")).isEmpty();
        pass(Duration.ofNanos(1));
        assertThat(lines.sayNow("a")).as("held back twice since").hasValue(2);
        assertThat(lines.sayNow("a")).isEmpty();
        pass(TEN_MINUTES);
        assertThat(lines.sayNow("a")).hasValue(1);
    }

    @Test
    void eachKeyHasItsOwnInterval() {
        AtMostEvery<String> lines = new AtMostEvery<>(TEN_MINUTES, 10, ticker::get);

        assertThat(lines.sayNow("a")).hasValue(0);
        pass(Duration.ofMinutes(5));
        assertThat(lines.sayNow("b")).hasValue(0);
        assertThat(lines.sayNow("a")).isEmpty();
        pass(Duration.ofMinutes(5));
        assertThat(lines.sayNow("a")).hasValue(1);
        assertThat(lines.sayNow("b")).isEmpty();
    }

    /**
     * Past the keys remembered, only those whose interval passed are forgotten; while all are within theirs, a new key's
     * line goes into the others' shared line: memory stays bounded.
     */
    @Test
    void theKeysRememberedAreBounded() {
        List<Long> othersLines = new ArrayList<>();
        AtMostEvery<Integer> lines = new AtMostEvery<>(TEN_MINUTES, 3, ticker::get, othersLines::add);

        lines.sayNow(1);
        lines.sayNow(1);
        pass(Duration.ofMinutes(20));
        lines.sayNow(2);
        lines.sayNow(3);
        assertThat(lines.sayNow(4)).as("1 forgotten, its interval passed: its count goes to the others' line")
                .hasValue(0);
        assertThat(lines.remembered()).isEqualTo(3);
        assertThat(lines.sayNow(2)).as("within its interval, still remembered").isEmpty();
        assertThat(lines.sayNow(1)).as("2, 3, 4 within theirs: 1 goes into the others' line").isEmpty();
        assertThat(othersLines).as("1's time held back before it was forgotten, and this one").containsExactly(2L);
        assertThat(lines.remembered()).isEqualTo(3);

        for (int key = 100; key < 10_000; key++) {
            lines.sayNow(key);
        }
        assertThat(lines.remembered()).isEqualTo(3);
        assertThat(othersLines).as("once per interval").containsExactly(2L);
        assertThat(lines.sayNow(2)).as("kept: not put out by the new keys").isEmpty();
        pass(TEN_MINUTES);
        assertThat(lines.sayNow(2)).as("its interval passed: said, with the times held back").hasValue(2);
        assertThat(lines.sayNow(9_999)).as("3 and 4 forgotten, their interval passed: room for it").hasValue(0);
        assertThat(lines.sayNow(10_000)).hasValue(0);
        assertThat(lines.sayNow(10_001)).as("all within theirs again: the others' line, those held back since").isEmpty();
        assertThat(othersLines).containsExactly(2L, 9_901L);
    }

    /**
     * More keys than remembered, each coming back every round (a tracker's servers every 5 s): a bounded number of lines,
     * not one per key per round as when the eldest key within its interval was put out (session 54's review).
     */
    @Test
    void keysCyclingPastTheBoundSayABoundedNumberOfLines() {
        AtomicLong othersLines = new AtomicLong();
        AtMostEvery<Integer> lines = new AtMostEvery<>(TEN_MINUTES, 1_000, ticker::get,
                heldBack -> othersLines.incrementAndGet());
        long keyLines = 0;
        Duration round = Duration.ofSeconds(5);
        int rounds = (int) (TEN_MINUTES.multipliedBy(3).toSeconds() / round.toSeconds()); // three intervals
        for (int pass = 0; pass < rounds; pass++) {
            for (int key = 0; key < 2_000; key++) {
                if (lines.sayNow(key).isPresent()) {
                    keyLines++;
                }
            }
            pass(round);
        }
        assertThat(keyLines).as("at most the keys remembered, once per interval").isLessThanOrEqualTo(3 * 1_000);
        assertThat(othersLines).as("one shared line per interval").hasValueLessThanOrEqualTo(3);
        assertThat(lines.remembered()).isEqualTo(1_000);
    }

    /**
     * A key's lines stopping: the count held back since its last line is said once the key has been quiet for an
     * interval, then the key is forgotten and its next line is said whole (session 55: before, that count was never said).
     */
    @Test
    void theCountHeldBackWhenTheLinesStopIsSaidOnceQuietForAnInterval() {
        AtMostEvery<String> lines = new AtMostEvery<>(TEN_MINUTES, 10, ticker::get);

        assertThat(lines.sayNow("a")).hasValue(0);
        assertThat(lines.sayNow("b")).hasValue(0);
        for (int minute = 0; minute < 37; minute++) { // 37 more of "a" in its interval, then none
            assertThat(lines.sayNow("a")).isEmpty();
            pass(Duration.ofSeconds(15));
        }
        assertThat(lines.sayExpired()).as("within the interval: nothing yet").isEmpty();
        pass(TEN_MINUTES.minusSeconds(15).minusNanos(1));
        assertThat(lines.sayExpired()).as("not yet quiet for an interval since the last held back").isEmpty();
        pass(Duration.ofNanos(1));
        assertThat(lines.sayExpired()).as("said once; b, nothing held back, forgotten without a line")
                .containsExactly(new AtMostEvery.Expired<>("a", 37));
        assertThat(lines.remembered()).isZero();
        assertThat(lines.sayExpired()).as("said once").isEmpty();
        assertThat(lines.sayNow("a")).as("its next line said whole, as a first").hasValue(0);
    }

    /** Lines going on (one each interval or sooner): the next line says the count, the sweep says nothing. */
    @Test
    void whileAKeysLinesGoOnTheSweepSaysNothingOfIt() {
        AtMostEvery<String> lines = new AtMostEvery<>(TEN_MINUTES, 10, ticker::get);
        List<Long> said = new ArrayList<>();

        for (int minute = 0; minute <= 30; minute++) {
            lines.sayNow("a").ifPresent(said::add);
            assertThat(lines.sayExpired()).isEmpty();
            pass(Duration.ofMinutes(1));
        }
        assertThat(said).containsExactly(0L, 9L, 9L, 9L);
    }

    /** The others' shared line: its count held back is said once quiet for an interval, through its own line. */
    @Test
    void theOthersCountHeldBackIsSaidOnceQuietForAnInterval() {
        List<Long> othersLines = new ArrayList<>();
        AtMostEvery<Integer> lines = new AtMostEvery<>(TEN_MINUTES, 2, ticker::get, othersLines::add);

        lines.sayNow(1);
        lines.sayNow(2);
        for (int key = 3; key < 1_003; key++) { // 1,000 past the bound: the first said, 999 held back
            assertThat(lines.sayNow(key)).isEmpty();
        }
        assertThat(othersLines).containsExactly(1L);
        pass(Duration.ofMinutes(5));
        lines.sayNow(3);
        pass(TEN_MINUTES.minusNanos(1));
        lines.sayExpired();
        assertThat(othersLines).as("quiet for less than an interval").containsExactly(1L);
        pass(Duration.ofNanos(1));
        assertThat(lines.sayExpired()).isEmpty();
        assertThat(othersLines).as("999 and the one five minutes later").containsExactly(1L, 1_000L);
        lines.sayExpired();
        assertThat(othersLines).as("said once").containsExactly(1L, 1_000L);
    }

    /**
     * Past the bound, a key forgotten because its interval passed gives the times it was held back to the shared line,
     * not to no line (session 55's review: they were dropped).
     */
    @Test
    void aKeyForgottenPastTheBoundGivesItsCountHeldBackToTheSharedLine() {
        List<Long> othersLines = new ArrayList<>();
        AtMostEvery<String> lines = new AtMostEvery<>(TEN_MINUTES, 2, ticker::get, othersLines::add);

        assertThat(lines.sayNow("a")).hasValue(0);
        assertThat(lines.sayNow("b")).hasValue(0);
        pass(Duration.ofMinutes(1));
        assertThat(lines.sayNow("a")).isEmpty();
        assertThat(lines.sayNow("a")).isEmpty();
        pass(TEN_MINUTES);
        assertThat(lines.sayNow("c")).as("a and b are past their interval: forgotten, c gets a line").hasValue(0);
        assertThat(lines.sayExpired()).as("a is forgotten: its count is not its own any more").isEmpty();
        assertThat(othersLines).as("the shared line says a's count once quiet for an interval (held at minute 1)")
                .containsExactly(2L);
    }

    @Test
    void aStopSaysEveryCountHeldBackWhateverItsInterval() {
        List<Long> othersLines = new ArrayList<>();
        AtMostEvery<String> lines = new AtMostEvery<>(TEN_MINUTES, 1, ticker::get, othersLines::add);

        assertThat(lines.sayNow("a")).hasValue(0);
        assertThat(lines.sayNow("a")).isEmpty();
        assertThat(lines.sayNow("b")).as("the shared line's first").isEmpty();
        assertThat(lines.sayNow("b")).isEmpty();
        assertThat(othersLines).containsExactly(1L);
        assertThat(lines.sayExpired()).as("within the interval: nothing yet").isEmpty();

        assertThat(lines.sayAllHeld()).containsExactly(new AtMostEvery.Expired<>("a", 1));
        assertThat(othersLines).containsExactly(1L, 1L);
        assertThat(lines.remembered()).isZero();
        assertThat(lines.sayAllHeld()).as("said once").isEmpty();
        assertThat(othersLines).containsExactly(1L, 1L);
    }

    @Test
    void anIntervalIsPositiveAndAKeyIsRemembered() {
        assertThatThrownBy(() -> new AtMostEvery<String>(Duration.ZERO, 1, ticker::get))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AtMostEvery<String>(TEN_MINUTES, 0, ticker::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
