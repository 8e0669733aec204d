package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DrainTest {

    @Test
    void aDrainWithNothingInFlightEndsWithNoneLeft() throws Exception {
        Drain drain = new Drain(Duration.ZERO, Duration.ofSeconds(5));
        assertThat(drain.isDraining()).isFalse();
        drain.begin();
        assertThat(drain.isDraining()).isTrue();
        assertThat(drain.awaitIdle()).isZero();
    }

    @Test
    void aDrainWaitsForTheRequestInFlightToBeAnswered() throws Exception {
        Drain drain = new Drain(Duration.ZERO, Duration.ofMinutes(1));
        drain.requestStarted();
        drain.begin();
        CompletableFuture<Integer> left = CompletableFuture.supplyAsync(() -> {
            try {
                return drain.awaitIdle();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(drain.inFlight()).isEqualTo(1);
        drain.requestEnded();
        assertThat(left.get()).isZero();
    }

    @Test
    void aDrainGivesUpAtItsTimeoutAndSaysHowManyWereLeft() throws Exception {
        Drain drain = new Drain(Duration.ZERO, Duration.ofMillis(100));
        drain.requestStarted();
        drain.requestStarted();
        drain.begin();
        assertThat(drain.awaitIdle()).isEqualTo(2);
    }

    @Test
    void aDelayLongerThanTheTimeoutIsRefused() {
        assertThatThrownBy(() -> new Drain(Duration.ofSeconds(30), Duration.ofSeconds(20)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vpsr.shutdown.drain-delay");
    }
}
