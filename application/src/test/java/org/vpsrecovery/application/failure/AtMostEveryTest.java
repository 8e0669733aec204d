package org.vpsrecovery.application.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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

    /** Past the keys remembered, the ones whose interval passed go first; the rest, eldest first: memory stays bounded. */
    @Test
    void theKeysRememberedAreBounded() {
        AtMostEvery<Integer> lines = new AtMostEvery<>(TEN_MINUTES, 3, ticker::get);

        lines.sayNow(1);
        lines.sayNow(1);
        pass(Duration.ofMinutes(20));
        lines.sayNow(2);
        lines.sayNow(3);
        lines.sayNow(4);
        assertThat(lines.remembered()).isEqualTo(3);
        assertThat(lines.sayNow(2)).as("within its interval, still remembered").isEmpty();
        assertThat(lines.sayNow(1)).as("forgotten first, its interval passed: no count kept").hasValue(0);
        assertThat(lines.remembered()).isEqualTo(3);

        for (int key = 100; key < 10_000; key++) {
            lines.sayNow(key);
        }
        assertThat(lines.remembered()).as("all within their interval: the eldest go").isEqualTo(3);
        assertThat(lines.sayNow(9_999)).isEmpty();
    }

    @Test
    void anIntervalIsPositiveAndAKeyIsRemembered() {
        assertThatThrownBy(() -> new AtMostEvery<String>(Duration.ZERO, 1, ticker::get))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AtMostEvery<String>(TEN_MINUTES, 0, ticker::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
