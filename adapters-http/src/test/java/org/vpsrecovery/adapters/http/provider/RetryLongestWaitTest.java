package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The longest wait between two attempts, as the client waits (ADR 0010, amended in session 45): a {@code Retry-After}
 * stretched by 1/(1 - jitter), or the backoff's cap, whichever is longer, then jittered up by the jitter's share. The
 * reliability suite's bounds take it from here rather than restating the formula.
 */
class RetryLongestWaitTest {

    @Test
    void withTheDefaultsItIsTheLongestRetryAfterStretchedThenJitteredUp() {
        // 10 s / 0.75 x 1.25 = 16.67 s, not the 13.3 s of the stretch alone.
        assertThat(VpsOrgSettings.Retry.defaults().longestWait())
                .isBetween(Duration.ofMillis(16_666), Duration.ofMillis(16_667));
    }

    @Test
    void aBackoffCapAboveTheStretchedRetryAfterIsTheOneJitteredUp() {
        VpsOrgSettings.Retry retry = new VpsOrgSettings.Retry(3, Duration.ofMillis(100), Duration.ofSeconds(8), 0.5,
                Duration.ofSeconds(2));

        assertThat(retry.stretched(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(4));
        assertThat(retry.longestWait()).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void withoutJitterTheWaitIsWhatWasAskedOrTheCap() {
        VpsOrgSettings.Retry retry = new VpsOrgSettings.Retry(3, Duration.ofMillis(100), Duration.ofMillis(400), 0.0,
                Duration.ofSeconds(2));

        assertThat(retry.longestWait()).isEqualTo(Duration.ofSeconds(2));
    }
}
