package org.vpsrecovery.application.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The renewals a runner's claim gets in production: on a virtual thread, until closed (ADR 0040, amended session 40). */
class RunClaimRenewalsTest {

    @Test
    void renewsAgainAndAgainUntilClosedAndTheCloseWaitsForTheRenewer() throws InterruptedException {
        AtomicInteger renewed = new AtomicInteger();
        CountDownLatch thrice = new CountDownLatch(3);
        RunClaimRenewals.Renewing renewing = RunClaimRenewals.onAVirtualThread().every(Duration.ofMillis(1), () -> {
            renewed.incrementAndGet();
            thrice.countDown();
        });

        // A bound on the wait only, generous for a loaded machine; the assertion is that renewals happen at all.
        assertThat(thrice.await(60, TimeUnit.SECONDS)).isTrue();
        renewing.close();
        int atTheClose = renewed.get();

        // The close joined the renewer: no renewal follows it.
        assertThat(renewed.get()).isEqualTo(atTheClose);
    }

    @Test
    void aRenewalNeedsAPositiveTime() {
        assertThatThrownBy(() -> RunClaimRenewals.onAVirtualThread().every(Duration.ZERO, () -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
