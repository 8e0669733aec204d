package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;

/** How a {@code Retry-After} is read and waited (ADR 0010, amended in session 51). */
class RetryAfterReadingTest {

    private static final Instant NOW = Instant.parse("2026-12-07T08:00:00Z");
    private final ProviderFailures failures = new ProviderFailures(null, null, Clock.fixed(NOW, ZoneOffset.UTC));

    /** Before, ten digits or more read as no Retry-After at all: retried after 200 ms instead of handed back. */
    @Test
    void aRetryAfterOfTenDigitsOrMoreIsTheLongestNotNone() {
        assertThat(failures.retryAfter("9999999999")).hasValue(ProviderFailures.LONGEST_RETRY_AFTER);
        assertThat(failures.retryAfter("99999999999999999999999")).hasValue(ProviderFailures.LONGEST_RETRY_AFTER);
        assertThat(failures.retryAfter("86400")).hasValue(ProviderFailures.LONGEST_RETRY_AFTER);
        assertThat(failures.retryAfter("Mon, 07 Dec 2026 18:00:00 GMT")).hasValue(ProviderFailures.LONGEST_RETRY_AFTER);
        assertThat(failures.retryAfter("0000000042")).hasValue(Duration.ofSeconds(42));
        assertThat(failures.retryAfter("120")).hasValue(Duration.ofSeconds(120));
        assertThat(failures.retryAfter("Mon, 07 Dec 2026 08:00:30 GMT")).hasValue(Duration.ofSeconds(30));
    }

    /** A date is measured from the answer's Date, VPS.org's clock; from ours without a readable one (session 53). */
    @Test
    void aRetryAfterDateIsMeasuredFromTheAnswersDate() {
        // Our clock (08:00) is ten minutes ahead of VPS.org's (07:50): its two minutes are two minutes, not none.
        assertThat(failures.retryAfter("Mon, 07 Dec 2026 07:52:00 GMT", Optional.of("Mon, 07 Dec 2026 07:50:00 GMT")))
                .hasValue(Duration.ofMinutes(2));
        // Behind ours: not stretched by the skew.
        assertThat(failures.retryAfter("Mon, 07 Dec 2026 08:10:30 GMT", Optional.of("Mon, 07 Dec 2026 08:10:00 GMT")))
                .hasValue(Duration.ofSeconds(30));
        assertThat(failures.retryAfter("Mon, 07 Dec 2026 08:00:30 GMT", Optional.of("not a date")))
                .hasValue(Duration.ofSeconds(30));
        assertThat(failures.retryAfter("Mon, 07 Dec 2026 08:00:30 GMT", Optional.empty())).hasValue(Duration.ofSeconds(30));
        // Seconds are seconds whatever the Date says.
        assertThat(failures.retryAfter("45", Optional.of("Mon, 07 Dec 2026 07:50:00 GMT"))).hasValue(Duration.ofSeconds(45));
    }

    /** A negative number is no Retry-After (the backoff applies); one of 0, or a date past, is zero. */
    @Test
    void aNegativeRetryAfterIsNoneAndZeroOrAPastDateIsZero() {
        assertThat(failures.retryAfter("-5")).isEmpty();
        assertThat(failures.retryAfter("0")).hasValue(Duration.ZERO);
        assertThat(failures.retryAfter("Mon, 07 Dec 2026 07:59:00 GMT")).hasValue(Duration.ZERO);
    }

    /**
     * {@code Retry-After: 0} (or an HTTP date a skewed clock reads as past) does not take the backoff away: the retry
     * waits the longer of the two. Before, such a 429 was retried at once, back to back.
     */
    @Test
    void aRetryAfterOfZeroWaitsTheBackoffNotNothing() {
        ProviderResilience resilience = new ProviderResilience(VpsOrgSettings.Retry.defaults(),
                VpsOrgSettings.CircuitBreaker.defaults(), VpsOrgSettings.Pool.defaults(), Duration.ofSeconds(5),
                Duration.ofMinutes(1), Duration.ofSeconds(1));
        ProviderFailure zero = new ProviderFailure(Kind.RATE_LIMITED, "429", OptionalInt.of(429),
                Optional.of(Duration.ZERO), null);
        ProviderFailure oneMs = new ProviderFailure(Kind.RATE_LIMITED, "429", OptionalInt.of(429),
                Optional.of(Duration.ofMillis(1)), null);
        ProviderFailure eightSeconds = new ProviderFailure(Kind.RATE_LIMITED, "429", OptionalInt.of(429),
                Optional.of(Duration.ofSeconds(8)), null);

        assertThat(resilience.firstRetryDelay(zero)).isEqualTo(VpsOrgSettings.Retry.defaults().initialDelay());
        assertThat(resilience.firstRetryDelay(oneMs)).isEqualTo(VpsOrgSettings.Retry.defaults().initialDelay());
        assertThat(resilience.firstRetryDelay(eightSeconds))
                .isEqualTo(VpsOrgSettings.Retry.defaults().stretched(Duration.ofSeconds(8)));
    }
}
