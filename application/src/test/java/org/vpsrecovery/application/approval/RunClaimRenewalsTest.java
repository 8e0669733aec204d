package org.vpsrecovery.application.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The renewals a runner's claim gets in production: on a virtual thread, until closed (ADR 0040, amended session 40). */
class RunClaimRenewalsTest {

    @Test
    void renewsAgainAndAgainUntilClosedAndTheCloseWaitsForTheRenewer() throws InterruptedException {
        AtomicInteger renewed = new AtomicInteger();
        CountDownLatch thrice = new CountDownLatch(3);
        CountDownLatch inTheFourth = new CountDownLatch(1);
        CountDownLatch letTheFourthEnd = new CountDownLatch(1);
        AtomicBoolean closeReturned = new AtomicBoolean();
        AtomicBoolean renewedAfterTheClose = new AtomicBoolean();
        RunClaimRenewals.Renewing renewing = RunClaimRenewals.onAVirtualThread().every(Duration.ofMillis(1), () -> {
            renewedAfterTheClose.compareAndSet(false, closeReturned.get());
            if (renewed.incrementAndGet() == 4) {
                inTheFourth.countDown();
                awaitUninterruptibly(letTheFourthEnd);
            }
            thrice.countDown();
        });

        // Bounds on the waits only, generous for a loaded machine; the assertions are about order, not time.
        assertThat(thrice.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(inTheFourth.await(60, TimeUnit.SECONDS)).isTrue();
        Thread closer = Thread.ofPlatform().name("closer").start(() -> {
            renewing.close();
            closeReturned.set(true);
        });
        // The closer either waits (for the renewal under way) or, if the close did not wait, has already returned.
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (closer.getState() != Thread.State.WAITING && closer.getState() != Thread.State.TERMINATED
                && System.nanoTime() < giveUpAt) {
            Thread.onSpinWait();
        }
        assertThat(closeReturned).as("the close returned while a renewal was under way").isFalse();

        letTheFourthEnd.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(closeReturned).isTrue();
        assertThat(renewed.get()).as("no renewal after the one the close waited for").isEqualTo(4);
        assertThat(renewedAfterTheClose).isFalse();
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aRenewalNeedsAPositiveTime() {
        assertThatThrownBy(() -> RunClaimRenewals.onAVirtualThread().every(Duration.ZERO, () -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
