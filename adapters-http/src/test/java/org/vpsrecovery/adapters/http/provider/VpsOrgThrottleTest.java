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

    /**
     * A call the hold kept from leaving says so itself ({@code neverSent}) and carries its words for the team, which the
     * facade says as they are, with no case of its own for the hold (ADR 0006, amended in session 52). Before, the team
     * was told the operator's text ("the platform's account", the wait in ms), as for any rate limit.
     */
    @Test
    void aCallTheHoldKeptUnsentReachesTheTeamInTheAdaptersWordsNoSettingNorAddress() {
        vpsOrg = SimulatedVpsOrg.start();
        vpsOrg.simulator.faults().add(Fault.rateLimited(Duration.ofSeconds(60)).on("GET", SNAPSHOTS).times(1));
        ProviderFailure heard = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.client.listSnapshots(Optional.empty()));
        assertThat(heard.neverSent()).as("VPS.org answered 429: sent").isFalse();

        ProviderFailure heldBack = catchThrowableOfType(ProviderFailure.class, () -> vpsOrg.client.createSnapshot(
                new SnapshotDraft(new ServerId(12345), new SnapshotName("held-back"), Optional.empty())));

        assertThat(heldBack.neverSent()).isTrue();
        var answer = org.vpsrecovery.adapters.http.facade.FacadeProblems.of(heldBack, "req-1", java.time.Clock.systemUTC());
        assertThat(answer.getStatus().getCode()).isEqualTo(503);
        assertThat(answer.getHeaders().get("Retry-After")).isNotBlank();
        assertThat(answer.getBody()).hasValueSatisfying(body -> assertThat(body.detail())
                .startsWith("VPS.org asked the platform to slow down, so calls to it are held back for ")
                .endsWith(" s more; nothing was sent. Try again after the Retry-After")
                .doesNotContain("vpsorg.", "micronaut.", "127.0.0.1", "localhost", "ms more", "account"));
        assertThat(heldBack.getMessage()).as("the operator's text keeps the wait in ms").contains("ms more");
        assertThat(vpsOrg.received("POST", SNAPSHOTS)).isEmpty();
    }

    /**
     * The hold: the latest end any 429 asked for; without a Retry-After (or one of 0), {@code
     * vpsorg.hold-without-retry-after} (a constant second before session 52).
     */
    @Test
    void theHoldIsTheLatestEndAskedAndTheSetHoldWhenNoneOrZeroIsAsked() {
        AtomicLong now = new AtomicLong(1_000);
        Duration withoutRetryAfter = Duration.ofSeconds(3);
        VpsOrgThrottle throttle = new VpsOrgThrottle(now::get, Duration.ofHours(2), withoutRetryAfter);
        assertThat(throttle.remaining()).isEmpty();

        throttle.heard(Optional.of(Duration.ofSeconds(30)));
        throttle.heard(Optional.of(Duration.ofSeconds(5)));
        assertThat(throttle.remaining()).hasValue(Duration.ofSeconds(30));

        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(throttle.remaining()).isEmpty();

        throttle.heard(Optional.empty());
        assertThat(throttle.remaining()).hasValue(withoutRetryAfter);
        now.addAndGet(withoutRetryAfter.toNanos());
        throttle.heard(Optional.of(Duration.ZERO));
        assertThat(throttle.remaining()).hasValue(withoutRetryAfter);
        throttle.heard(Optional.of(Duration.ofDays(400)));
        assertThat(throttle.remaining()).hasValue(ProviderFailures.LONGEST_RETRY_AFTER);
    }

    /**
     * One 429 (a gateway's, a per-endpoint limit, a far-future date) holds the client's calls for {@code vpsorg.max-hold}
     * at most, while the call that heard it gets VPS.org's whole Retry-After, and the hold's start is said at WARN once,
     * not per call nor per 429 during it (ADR 0010, amended in session 51). Before, every call was held for up to an
     * hour, silently.
     */
    @Test
    void aLongRetryAfterHoldsTheClientForTheMaxHoldOnlyAndItsCallerGetsItWhole() {
        vpsOrg = SimulatedVpsOrg.start(options -> options, settings -> settings.withMaxHold(Duration.ofSeconds(20)));
        vpsOrg.simulator.faults().add(Fault.rateLimited(Duration.ofMinutes(10)).on("GET", SNAPSHOTS).times(1));
        var logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(VpsOrgThrottle.class);
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        logger.addAppender(appender);
        try {
            ProviderFailure heard = catchThrowableOfType(ProviderFailure.class,
                    () -> vpsOrg.client.listSnapshots(Optional.empty()));
            ProviderFailure heldBack = catchThrowableOfType(ProviderFailure.class,
                    () -> vpsOrg.client.listBackups(Optional.empty(), Optional.empty()));

            assertThat(heard.retryAfter()).as("the caller's wait: VPS.org's").hasValue(Duration.ofMinutes(10));
            assertThat(vpsOrg.client.heldBackFor()).hasValueSatisfying(left -> assertThat(left)
                    .isPositive().isLessThanOrEqualTo(Duration.ofSeconds(20)));
            assertThat(heldBack.retryAfter()).hasValueSatisfying(left -> assertThat(left)
                    .isPositive().isLessThanOrEqualTo(Duration.ofSeconds(20)));
            assertThat(appender.list).singleElement().satisfies(line -> {
                assertThat(line.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
                assertThat(line.getFormattedMessage()).contains("wait 600 s", "held back for 20 s", "vpsorg.max-hold 20 s");
            });
        } finally {
            logger.detachAppender(appender);
        }

        AtomicLong now = new AtomicLong(1_000);
        VpsOrgThrottle throttle = new VpsOrgThrottle(now::get, Duration.ofSeconds(60), Duration.ofSeconds(1));
        assertThat(throttle.heard(Optional.of(Duration.ofDays(400)))).as("a long hold starts: said").isTrue();
        assertThat(throttle.remaining()).hasValue(Duration.ofSeconds(60));
        assertThat(throttle.heard(Optional.of(Duration.ofMinutes(10)))).as("during it: not said again").isFalse();
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        assertThat(throttle.heard(Optional.of(Duration.ofSeconds(2)))).as("a short one: not said").isFalse();
    }
}
