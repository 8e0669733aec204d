package org.vpsrecovery.application.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.testing.AdjustableClock;

/** One outage's lines on a fake ticker: its first failure, at most one a period after, its end (session 54). */
class OutageLinesTest {

    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    /** Starts at a negative value, as System.nanoTime may. */
    private final AtomicLong ticker = new AtomicLong(-5_000_000_000L);

    private void pass(Duration time) {
        ticker.addAndGet(time.toNanos());
    }

    private static FailureLine timedOut(long millis) {
        return new FailureLine("SQLTransientConnectionException: request timed out after " + millis + "ms");
    }

    @Test
    void theFirstFailureIsSaidThenOneLineAPeriodWithTheFailuresHeldBackThenTheEnd() {
        OutageLines lines = new OutageLines(TEN_MINUTES, false, FailureLine::of, ticker::get);
        assertThat(lines.worked()).as("no outage yet").isEmpty();

        List<OutageLines.Failing> said = new ArrayList<>();
        for (int i = 0; i <= 100; i++) { // 10 min at one failure every 6 s
            lines.failed(new IllegalStateException("down " + (i % 2 == 0 ? "here" : "there"))).ifPresent(said::add);
            pass(Duration.ofSeconds(6));
        }

        assertThat(said).hasSize(2);
        assertThat(said.get(0)).isEqualTo(new OutageLines.Failing(new FailureLine("IllegalStateException: down here"),
                true, 1, 0, Duration.ZERO));
        assertThat(said.get(1)).as("a new cause waits for the period without newCauseAtOnce").isEqualTo(
                new OutageLines.Failing(new FailureLine("IllegalStateException: down here"), false, 101, 99,
                        Duration.ofMinutes(10)));
        assertThat(lines.worked()).hasValue(new OutageLines.Ended(101, Duration.ofSeconds(606)));
        assertThat(lines.worked()).as("said once").isEmpty();

        assertThat(lines.failed(new IllegalStateException("down again"))).as("a new outage is said at once")
                .hasValueSatisfying(line -> {
                    assertThat(line.first()).isTrue();
                    assertThat(line.failures()).isEqualTo(1);
                    assertThat(line.lasted()).isZero();
                });
    }

    @Test
    void withNewCauseAtOnceAnotherCauseIsSaidAtOnceTheSameButForItsNumbersIsNot() {
        OutageLines lines = new OutageLines(Duration.ofMinutes(1), true, FailureLine::of, ticker::get);

        assertThat(lines.failed(timedOut(5001))).isPresent();
        pass(Duration.ofSeconds(2));
        assertThat(lines.failed(timedOut(5004))).as("the same cause but for its numbers").isEmpty();
        pass(Duration.ofSeconds(2));
        Optional<OutageLines.Failing> other = lines.failed(new FailureLine("DatabaseFailure: ERROR: no appends"));
        assertThat(other).hasValueSatisfying(line -> {
            assertThat(line.first()).isFalse();
            assertThat(line.failures()).isEqualTo(3);
            assertThat(line.heldBack()).isEqualTo(1);
        });
        pass(Duration.ofSeconds(2));
        assertThat(lines.failed(timedOut(5002))).as("back to the first: another than the one last said").isPresent();
        pass(Duration.ofSeconds(59));
        assertThat(lines.failed(timedOut(5003))).isEmpty();
        pass(Duration.ofSeconds(1));
        assertThat(lines.failed(timedOut(5003))).as("the period passed").hasValueSatisfying(line ->
                assertThat(line.heldBack()).isEqualTo(1));
    }

    @Test
    void theWordingLeavesOutWhatMustNotBeSaid() {
        OutageLines lines = new OutageLines(TEN_MINUTES, false,
                failure -> FailureLine.of(failure, message -> message.replace("secret", "(not said)")), ticker::get);

        assertThat(lines.failed(new IllegalStateException("the secret is out"))).hasValueSatisfying(line ->
                assertThat(line.cause().text()).isEqualTo("IllegalStateException: the (not said) is out"));
    }

    /** A wall clock (the platform's, which a test moves), read in milliseconds: stepped back, a reminder only waits. */
    @Test
    void onAWallClockSteppedBackTheReminderIsOnlyDelayed() {
        AdjustableClock wall = new AdjustableClock(Instant.parse("2026-12-07T20:00:00Z"));
        OutageLines lines = new OutageLines(Duration.ofMinutes(1), false, FailureLine::of, wall);

        assertThat(lines.failed(new IllegalStateException("down"))).isPresent();
        wall.advance(Duration.ofMinutes(-5));
        wall.advance(Duration.ofMinutes(1));
        assertThat(lines.failed(new IllegalStateException("down"))).as("a minute on, but 4 min before the line by the wall")
                .isEmpty();
        wall.advance(Duration.ofMinutes(5));
        assertThat(lines.failed(new IllegalStateException("down"))).as("a minute after the line by the wall")
                .hasValueSatisfying(line -> {
                    assertThat(line.heldBack()).isEqualTo(1);
                    assertThat(line.lasted()).isEqualTo(Duration.ofMinutes(1));
                });
    }

    @Test
    void anIntervalIsPositive() {
        assertThatThrownBy(() -> new OutageLines(Duration.ZERO, false, FailureLine::of, ticker::get))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A wall clock stepped back past the outage's start (HousekeepingJobs reads one) says it lasted nothing, never a
     * negative time (final read of session 55).
     */
    @Test
    void aClockSteppedBackPastTheStartSaysTheOutageLastedNothing() {
        OutageLines lines = new OutageLines(TEN_MINUTES, true, FailureLine::of, ticker::get);
        assertThat(lines.failed(new IllegalStateException("down here"))).isPresent();
        pass(Duration.ofMinutes(-5));

        assertThat(lines.failed(new IllegalStateException("down there"))).as("another cause, said at once")
                .hasValueSatisfying(line -> assertThat(line.lasted()).isZero());
        assertThat(lines.worked()).hasValue(new OutageLines.Ended(2, Duration.ZERO));
    }
}
