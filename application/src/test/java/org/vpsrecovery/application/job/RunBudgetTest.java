package org.vpsrecovery.application.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RunBudgetTest {

    /** Spent once its length has passed on its ticker, whatever value the ticker starts from (System.nanoTime's may be negative). */
    @Test
    void aBudgetIsSpentOnceItsLengthHasPassedOnItsTicker() {
        AtomicLong ticker = new AtomicLong(Long.MAX_VALUE - Duration.ofSeconds(5).toNanos());
        RunBudget budget = RunBudget.startingNow(ticker::get, Duration.ofSeconds(15));

        assertThat(budget.spent()).isFalse();
        ticker.addAndGet(Duration.ofSeconds(15).minusNanos(1).toNanos()); // past Long.MAX_VALUE: the ticker wraps
        assertThat(budget.spent()).isFalse();
        ticker.addAndGet(1);
        assertThat(budget.spent()).isTrue();
        assertThat(RunBudget.UNBOUNDED.spent()).isFalse();
        assertThatThrownBy(() -> RunBudget.startingNow(ticker::get, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A budget longer than a long of nanoseconds (an operator's "no budget", 1000000d) is never spent, and never throws. */
    @Test
    void aBudgetBeyondALongOfNanosecondsIsNotSpent() {
        AtomicLong ticker = new AtomicLong();
        RunBudget longest = RunBudget.startingNow(ticker::get, Duration.ofDays(200_000));

        assertThat(longest.spent()).isFalse();
        ticker.set(Long.MAX_VALUE); // 292 years on
        assertThat(longest.spent()).isFalse();
        assertThat(RunBudget.startingNow(() -> 0L, Duration.ofDays(1_000_000)).spent()).isFalse();
    }
}
