package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.simulator.Fault;

/**
 * VPS.org's rate limit is the account's, one token for every team: a 429 one call hears holds back the client's other
 * calls for its Retry-After, unsent (ADR 0010, amended in session 51). Before, the next call went out at once.
 */
class VpsOrgThrottleTest {

    private static final String SNAPSHOTS = "/api/v1/snapshots/";
    private static final String BACKUPS = "/api/v1/backups/";

    private SimulatedVpsOrg vpsOrg;

    @AfterEach
    void stop() {
        if (vpsOrg != null) {
            vpsOrg.close();
        }
    }

    @Test
    void aRateLimitHeardByOneCallHoldsBackTheClientsNextCallsUnsentWithTheWaitLeft() {
        vpsOrg = SimulatedVpsOrg.start();
        // Past the retry cap (2 s in the test settings): the first call hands it back at once, no retry.
        vpsOrg.simulator.faults().add(Fault.rateLimited(Duration.ofSeconds(60)).on("GET", SNAPSHOTS).times(1));
        ProviderFailure heard = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.listSnapshots(Optional.empty()));
        assertThat(heard.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(heard.providerStatus()).isEqualTo(OptionalInt.of(429));

        ProviderFailure read = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.listBackups(Optional.empty(), Optional.empty()));
        ProviderFailure create = catchThrowableOfType(ProviderFailure.class, () -> vpsOrg.client.createSnapshot(
                new SnapshotDraft(new ServerId(12345), new SnapshotName("held-back"), Optional.empty())));
        CompletionException whenAnswered = catchThrowableOfType(CompletionException.class,
                () -> vpsOrg.client.listSnapshotsWhenAnswered(Optional.empty(), Runnable::run).join());

        for (ProviderFailure heldBack : java.util.List.of(read, create, (ProviderFailure) whenAnswered.getCause())) {
            assertThat(heldBack.kind()).isEqualTo(Kind.RATE_LIMITED);
            assertThat(heldBack.providerStatus()).as("nothing sent").isEmpty();
            assertThat(heldBack.outcomeUnknown()).isFalse();
            assertThat(heldBack.retryAfter()).hasValueSatisfying(left -> assertThat(left)
                    .isPositive().isLessThanOrEqualTo(Duration.ofSeconds(60)));
            assertThat(heldBack.getCause()).isInstanceOf(ProviderResilience.HeldBack.class);
        }
        assertThat(vpsOrg.received("GET", BACKUPS)).isEmpty();
        assertThat(vpsOrg.received("POST", SNAPSHOTS)).isEmpty();
        assertThat(vpsOrg.received("GET", SNAPSHOTS)).hasSize(1);
    }

    /** The hold: the latest end any 429 asked for; without a Retry-After (or one of 0), a second. */
    @Test
    void theHoldIsTheLatestEndAskedAndASecondWhenNoneOrZeroIsAsked() {
        AtomicLong now = new AtomicLong(1_000);
        VpsOrgThrottle throttle = new VpsOrgThrottle(now::get);
        assertThat(throttle.remaining()).isEmpty();

        throttle.heard(Optional.of(Duration.ofSeconds(30)));
        throttle.heard(Optional.of(Duration.ofSeconds(5)));
        assertThat(throttle.remaining()).hasValue(Duration.ofSeconds(30));

        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(throttle.remaining()).isEmpty();

        throttle.heard(Optional.empty());
        assertThat(throttle.remaining()).hasValue(VpsOrgThrottle.WITHOUT_RETRY_AFTER);
        now.addAndGet(VpsOrgThrottle.WITHOUT_RETRY_AFTER.toNanos());
        throttle.heard(Optional.of(Duration.ZERO));
        assertThat(throttle.remaining()).hasValue(VpsOrgThrottle.WITHOUT_RETRY_AFTER);
        throttle.heard(Optional.of(Duration.ofDays(400)));
        assertThat(throttle.remaining()).hasValue(ProviderFailures.LONGEST_RETRY_AFTER);
    }
}
