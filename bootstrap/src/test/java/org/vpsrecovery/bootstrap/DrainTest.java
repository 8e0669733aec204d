package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DrainTest {

    @Test
    void aDrainWithNothingInFlightEndsWithNoneLeft() throws Exception {
        Drain drain = new Drain(Duration.ZERO, Duration.ofSeconds(5));
        assertThat(drain.isDraining()).isFalse();
        drain.begin();
        assertThat(drain.isDraining()).isTrue();
        assertThat(drain.awaitIdle()).isEqualTo(Drain.Left.NONE);
    }

    @Test
    void aDrainWaitsForTheRequestInFlightToBeAnswered() throws Exception {
        Drain drain = new Drain(Duration.ZERO, Duration.ofMinutes(1));
        Drain.InFlightRequest request = drain.requestStarted();
        drain.begin();
        FutureTask<Drain.Left> left = waitingForIdle(drain);
        assertThat(left).as("the drain waits while a request is in flight").isNotDone();
        assertThat(drain.inFlight()).isEqualTo(1);

        drain.ended(request);
        assertThat(left.get(1, TimeUnit.MINUTES)).isEqualTo(Drain.Left.NONE);
    }

    /**
     * An answer whose status line is out may still be sending its body (a streamed export): the drain waits for its end,
     * which Micronaut says once (ADR 0038, amended in session 56). Before, the response filter's call ended it.
     */
    @Test
    void aDrainWaitsForAnAnsweredRequestsBodyToEndAndCountsItsEndOnce() throws Exception {
        Drain drain = new Drain(Duration.ZERO, Duration.ofMinutes(1));
        Drain.InFlightRequest streaming = drain.requestStarted();
        Drain.InFlightRequest other = drain.requestStarted();
        drain.answered(streaming);
        drain.ended(other);
        drain.ended(other);
        drain.begin();
        FutureTask<Drain.Left> left = waitingForIdle(drain);
        assertThat(left).as("the drain waits while an answered request's body is being sent").isNotDone();
        assertThat(drain.inFlight()).as("a second end of the same request takes nothing off").isEqualTo(1);

        drain.answered(streaming);
        drain.ended(streaming);
        assertThat(left.get(1, TimeUnit.MINUTES)).isEqualTo(Drain.Left.NONE);
        assertThat(drain.inFlight()).isZero();
    }

    @Test
    void aDrainGivesUpAtItsTimeoutAndSaysHowManyWereLeftAndHowManyOfThemWereSendingTheirBody() throws Exception {
        Drain drain = new Drain(Duration.ZERO, Duration.ofMillis(100));
        drain.requestStarted();
        drain.answered(drain.requestStarted());
        Drain.InFlightRequest endedBeforeItsAnswer = drain.requestStarted();
        drain.ended(endedBeforeItsAnswer);
        drain.answered(endedBeforeItsAnswer);
        drain.begin();
        assertThat(drain.awaitIdle()).isEqualTo(new Drain.Left(2, 1));
    }

    /** {@code drain}'s wait for idle on a thread of its own, once it has looked and waits between looks (or returned). */
    private static FutureTask<Drain.Left> waitingForIdle(Drain drain) {
        FutureTask<Drain.Left> left = new FutureTask<>(drain::awaitIdle);
        Thread waiter = new Thread(left, "drain-waiter");
        waiter.start();
        await().atMost(Duration.ofMinutes(1))
                .until(() -> left.isDone() || waiter.getState() == Thread.State.TIMED_WAITING);
        return left;
    }

    @Test
    void aDelayLongerThanTheTimeoutIsRefused() {
        assertThatThrownBy(() -> new Drain(Duration.ofSeconds(30), Duration.ofSeconds(20)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vpsr.shutdown.drain-delay");
    }

    @Test
    void unsetTheDrainWaitsAsLongAsARequestsVpsOrgCallsMayTake() {
        // Two thirds of the idle timeout (ProviderDeadline): every call of a request in flight at the SIGTERM ends by then.
        assertThat(Drain.timeoutFor(Optional.empty(), Duration.ofSeconds(90), Duration.ofSeconds(2)))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(Drain.timeoutFor(Optional.empty(), Duration.ofSeconds(30), Duration.ofSeconds(2)))
                .isEqualTo(Duration.ofSeconds(20));
        assertThat(Drain.timeoutFor(Optional.empty(), Duration.ofSeconds(6), Duration.ofSeconds(10)))
                .as("a drain delay above it is waited anyway").isEqualTo(Duration.ofSeconds(10));
        assertThat(Drain.timeoutFor(Optional.empty(), Duration.ZERO, Duration.ofSeconds(2)))
                .as("no idle timeout, no request deadline").isEqualTo(Drain.WITHOUT_A_REQUEST_DEADLINE);
    }

    @Test
    void aDrainTimeoutShorterThanARequestsVpsOrgCallsIsRefusedNamingBothKeys() {
        // The stop's budget before session 46: 20 s of drain against the default idle timeout's 60 s of VPS.org calls.
        assertThatThrownBy(() -> Drain.timeoutFor(Optional.of(Duration.ofSeconds(20)), Duration.ofSeconds(90), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("vpsr.shutdown.drain-timeout (20000 ms) must not be shorter than two thirds of "
                        + "micronaut.server.idle-timeout (60000 ms of 90000 ms)");
        assertThat(Drain.timeoutFor(Optional.of(Duration.ofSeconds(75)), Duration.ofSeconds(90), Duration.ofSeconds(2)))
                .as("a longer one is taken").isEqualTo(Duration.ofSeconds(75));
        assertThat(Drain.timeoutFor(Optional.of(Duration.ofSeconds(5)), Duration.ZERO, Duration.ofSeconds(2)))
                .as("without an idle timeout there is nothing to check it against").isEqualTo(Duration.ofSeconds(5));
    }
}
