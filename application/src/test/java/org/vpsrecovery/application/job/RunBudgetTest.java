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
}
