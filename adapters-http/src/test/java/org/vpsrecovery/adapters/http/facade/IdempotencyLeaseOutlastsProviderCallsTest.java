package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.http.server.HttpServerConfiguration;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.http.provider.ProviderDeadline;

/**
 * A retry takes a key over once its lease ends and runs when its holder left no trace; a holder that could still send
 * to VPS.org would then make the request a second time. Its calls end within two thirds of the idle timeout
 * ({@link ProviderDeadline}), so a lease not longer than that is refused at the start (ADR 0027, amended in session 46).
 */
class IdempotencyLeaseOutlastsProviderCallsTest {

    @Test
    void theDefaultLeaseOutlastsARequestsProviderCallsUnderTheShippedAndMicronautsOwnIdleTimeout() {
        assertThatCode(() -> IdempotentRequests.requireLeaseOutlastingTheProviderCalls(Duration.ofMinutes(5),
                Duration.ofSeconds(90))).doesNotThrowAnyException();
        assertThatCode(() -> IdempotentRequests.requireLeaseOutlastingTheProviderCalls(Duration.ofMinutes(5),
                Duration.ofMinutes(HttpServerConfiguration.DEFAULT_IDLE_TIME_MINUTES))).doesNotThrowAnyException();
    }

    @Test
    void aLeaseNoLongerThanTheRequestsProviderTimeIsRefusedNamingBothKeys() {
        Duration idle = Duration.ofSeconds(90);
        Duration providerCalls = ProviderDeadline.budgetWithin(idle).orElseThrow();

        assertThatThrownBy(() -> IdempotentRequests.requireLeaseOutlastingTheProviderCalls(providerCalls, idle))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("vpsr.idempotency.lease (60000 ms) must be longer than two thirds of "
                        + "micronaut.server.idle-timeout (60000 ms of 90000 ms)");
        assertThatThrownBy(() -> IdempotentRequests.requireLeaseOutlastingTheProviderCalls(Duration.ofSeconds(5), idle))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("vpsr.idempotency.lease (5000 ms) must be longer");
        assertThatCode(() -> IdempotentRequests.requireLeaseOutlastingTheProviderCalls(
                providerCalls.plusMillis(1), idle)).doesNotThrowAnyException();
    }

    @Test
    void withoutAnIdleTimeoutARequestsProviderCallsHaveNoCommonEndAndNoLeaseIsLongEnough() {
        for (Duration off : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1)}) {
            assertThatThrownBy(() -> IdempotentRequests.requireLeaseOutlastingTheProviderCalls(Duration.ofHours(23), off))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("micronaut.server.idle-timeout must be positive");
        }
    }
}
