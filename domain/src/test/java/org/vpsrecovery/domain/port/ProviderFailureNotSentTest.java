package org.vpsrecovery.domain.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.port.ProviderFailure.NotSent;

/** A call not sent says why, as facts, and keeps it when an earlier try was sent (ADR 0010, amended in session 53). */
class ProviderFailureNotSentTest {

    @Test
    void aCallNeverSentTakesItsReasonsKindAndKeepsWhyAfterAnEarlierTryWasSent() {
        ProviderFailure held = ProviderFailure.neverSent(NotSent.HELD_BACK_BY_RATE_LIMIT, "held back",
                Optional.of(Duration.ofSeconds(7)), null);
        ProviderFailure unreachable = ProviderFailure.neverSent(NotSent.NO_CONNECTION, "refused", Optional.empty(), null);

        assertThat(held.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(unreachable.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(held.neverSent()).isTrue();
        assertThat(held.earlierTrySent()).isFalse();

        ProviderFailure afterASentTry = held.afterAnEarlierTryWasSent();
        assertThat(afterASentTry.neverSent()).as("the call as a whole was sent").isFalse();
        assertThat(afterASentTry.earlierTrySent()).isTrue();
        assertThat(afterASentTry.lastTryNotSent()).hasValue(NotSent.HELD_BACK_BY_RATE_LIMIT);
        assertThat(afterASentTry.retryAfter()).hasValue(Duration.ofSeconds(7));

        ProviderFailure sent = new ProviderFailure(Kind.TIMEOUT, "timed out");
        assertThat(sent.afterAnEarlierTryWasSent()).isSameAs(sent);
        assertThat(sent.lastTryNotSent()).isEmpty();
    }

    @Test
    void aHoldAndAnOpenCircuitSayHowLongTheyLast() {
        assertThatThrownBy(() -> ProviderFailure.neverSent(NotSent.CIRCUIT_OPEN, "open", Optional.empty(), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProviderFailure.neverSent(NotSent.HELD_BACK_BY_RATE_LIMIT, "held", Optional.empty(),
                null)).isInstanceOf(IllegalArgumentException.class);
    }
}
