package org.vpsrecovery.application.approval;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a runner keeps its claim on an approved operation while it works (ADR 0040, amended session 40): a renewal every
 * so often, as {@code PgServerLock}'s holder speaks on its lock's session, so a slow but live runner is not overtaken,
 * while a stopped runner renews nothing and its claim runs out.
 */
@FunctionalInterface
public interface RunClaimRenewals {

    /** Runs {@code renew} every {@code every} until the answer is closed. {@code renew} must not throw. */
    Renewing every(Duration every, Runnable renew);

    /** Renewals under way; closing stops them and waits for one under way, so none follows the close. */
    interface Renewing extends AutoCloseable {
        @Override
        void close();
    }

    /** Every {@code every} of real time, on a virtual thread of its own. */
    static RunClaimRenewals onAVirtualThread() {
        return (every, renew) -> {
            Objects.requireNonNull(renew, "renew");
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("a claim is renewed after a positive time, not " + every);
            }
            CountDownLatch stopping = new CountDownLatch(1);
            Thread renewer = Thread.ofVirtual().name("approved-run-claim-renewal").start(() -> {
                try {
                    while (!stopping.await(every.toNanos(), TimeUnit.NANOSECONDS)) {
                        renew.run();
                    }
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
            });
            return () -> {
                stopping.countDown();
                try {
                    renewer.join();
                } catch (InterruptedException interrupted) {
                    // The runner is being stopped: the claim's move after this is its own, and a late renewal is harmless.
                    Thread.currentThread().interrupt();
                }
            };
        };
    }
}
