package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.FairShareLimits;
import org.vpsrecovery.domain.port.FairShare;
import org.vpsrecovery.domain.port.FairShareExceeded;
import org.vpsrecovery.domain.testing.AdjustableClock;

/**
 * What every {@link FairShare} must do. Implementations give two instances over one backing store
 * (for PostgreSQL: two service instances with their own connections), which together never let a
 * team past its share. Time moves only by the test's clock.
 */
public abstract class FairShareContract {

    protected static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    protected static final Duration LEASE = Duration.ofMinutes(2);
    private static final AtomicInteger TEAMS = new AtomicInteger();

    /** Two instances sharing one store, reading time from {@code clock}, leasing call slots for {@code lease}. */
    protected abstract FairShare[] twoInstances(AdjustableClock clock, Duration lease);

    /**
     * Lets time pass until every instance has given back the slots it holds unused, and has them
     * given back. An implementation may keep a closed slot for its own next request (a block of
     * slots, ADR 0045), but only for that long; one that frees a slot on close does nothing here.
     */
    protected void idleSlotsGivenBack(AdjustableClock clock, FairShare... instances) {
    }

    /** A team no other test used: the store may outlive one test. */
    protected static TeamId freshTeam() {
        return new TeamId("team-" + TEAMS.incrementAndGet() + "-" + Long.toString(System.nanoTime(), 36));
    }

    @Test
    void allowsTheRateAcrossInstancesThenRefusesWithTheWaitForTheNextRequest() {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits limits = new FairShareLimits(3, 10);

        for (int i = 0; i < 3; i++) {
            FairShare instance = instances[i % 2];
            assertThatCode(() -> instance.takeRequest(team, limits)).doesNotThrowAnyException();
        }
        for (FairShare instance : instances) {
            assertThatThrownBy(() -> instance.takeRequest(team, limits))
                    .isInstanceOfSatisfying(FairShareExceeded.class, refused -> {
                        assertThat(refused.reason()).isEqualTo(ReasonCode.TEAM_RATE_LIMITED);
                        // 3 a minute: one comes back every 20 s.
                        assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(20));
                    });
        }
    }

    @Test
    void allowsARequestAgainOnceTheWaitItNamedHasPassed() {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits limits = new FairShareLimits(2, 10);
        instances[0].takeRequest(team, limits);
        instances[1].takeRequest(team, limits);
        Duration wait = catchRefusal(() -> instances[0].takeRequest(team, limits)).retryAfter();

        clock.advance(wait);

        assertThatCode(() -> instances[1].takeRequest(team, limits)).doesNotThrowAnyException();
        assertThat(catchRefusal(() -> instances[0].takeRequest(team, limits)).reason())
                .isEqualTo(ReasonCode.TEAM_RATE_LIMITED);
    }

    @Test
    void oneTeamSpendingItsRateLeavesAnotherTeamsUntouched() {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId busy = freshTeam();
        TeamId quiet = freshTeam();
        FairShareLimits limits = new FairShareLimits(1, 10);
        instances[0].takeRequest(busy, limits);
        catchRefusal(() -> instances[1].takeRequest(busy, limits));

        assertThatCode(() -> instances[1].takeRequest(quiet, limits)).doesNotThrowAnyException();
    }

    @Test
    void boundsTheCallsInFlightAcrossInstancesAndFreesASlotOnClose() {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits limits = new FairShareLimits(100, 2);
        FairShare.CallSlot first = instances[0].enterCall(team, limits);
        FairShare.CallSlot second = instances[1].enterCall(team, limits);

        for (FairShare instance : instances) {
            FairShareExceeded refused = catchRefusal(() -> instance.enterCall(team, limits));
            assertThat(refused.reason()).isEqualTo(ReasonCode.TEAM_CALLS_IN_FLIGHT_LIMITED);
            assertThat(refused.retryAfter()).isPositive();
        }
        assertThatCode(() -> instances[0].enterCall(freshTeam(), limits).close()).doesNotThrowAnyException();

        first.close();
        idleSlotsGivenBack(clock, instances);
        FairShare.CallSlot third = instances[1].enterCall(team, limits);
        catchRefusal(() -> instances[0].enterCall(team, limits));
        second.close();
        third.close();
    }

    @Test
    void aSecondCloseDoesNotFreeTheSlotSomeoneElseNowHolds() {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits limits = new FairShareLimits(100, 1);
        FairShare.CallSlot first = instances[0].enterCall(team, limits);
        first.close();
        idleSlotsGivenBack(clock, instances);
        FairShare.CallSlot second = instances[1].enterCall(team, limits);

        first.close();

        catchRefusal(() -> instances[0].enterCall(team, limits));
        second.close();
    }

    /** An instance that dies holding slots never closes them: their leases run out and the slots are free. */
    @Test
    void aSlotNeverClosedIsFreeAgainOnceItsLeaseRunsOut() {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits limits = new FairShareLimits(100, 1);
        instances[0].enterCall(team, limits); // its holder "dies": never closed
        clock.advance(LEASE.minusSeconds(1));
        FairShareExceeded refused = catchRefusal(() -> instances[1].enterCall(team, limits));
        assertThat(refused.retryAfter()).isPositive();

        clock.advance(Duration.ofSeconds(1));

        instances[1].enterCall(team, limits).close();
    }

    @Test
    void aLoweredBoundCountsTheSlotsTakenUnderTheHigherOne() {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId team = freshTeam();
        FairShare.CallSlot a = instances[0].enterCall(team, new FairShareLimits(100, 3));
        FairShare.CallSlot b = instances[0].enterCall(team, new FairShareLimits(100, 3));
        FairShare.CallSlot c = instances[1].enterCall(team, new FairShareLimits(100, 3));

        a.close();
        catchRefusal(() -> instances[1].enterCall(team, new FairShareLimits(100, 2)));
        b.close();
        idleSlotsGivenBack(clock, instances);
        instances[1].enterCall(team, new FairShareLimits(100, 2)).close();
        c.close();
    }

    /** Many callers on both instances at once: the calls in flight never pass the bound, and all of them end. */
    @Test
    void manyConcurrentCallersNeverExceedTheBound() throws Exception {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId team = freshTeam();
        int bound = 3;
        FairShareLimits limits = new FairShareLimits(100, bound);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        AtomicInteger entered = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        int callers = 12;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                FairShare instance = instances[i % 2];
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < 10; round++) {
                        try (FairShare.CallSlot slot = instance.enterCall(team, limits)) {
                            mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            entered.incrementAndGet();
                            Thread.yield();
                            inside.decrementAndGet();
                        } catch (FairShareExceeded e) {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(mostInside.get()).isBetween(1, bound);
        assertThat(entered.get() + refused.get()).isEqualTo(callers * 10);
        // Every slot was given back: the whole bound is free again.
        idleSlotsGivenBack(clock, instances);
        List<FairShare.CallSlot> all = new ArrayList<>();
        for (int i = 0; i < bound; i++) {
            all.add(instances[i % 2].enterCall(team, limits));
        }
        catchRefusal(() -> instances[0].enterCall(team, limits));
        all.forEach(FairShare.CallSlot::close);
    }

    /**
     * A busy team's requests over both instances, the clock still: the instances together are
     * granted exactly the minute's tokens, however they take them from the shared rate.
     */
    @Test
    void aBusyTeamOverBothInstancesIsGrantedItsRateAndNotOneRequestMore() {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits limits = new FairShareLimits(600, 10);
        int taken = 0;
        for (int i = 0; i < 800; i++) {
            try {
                instances[i % 2].takeRequest(team, limits);
                taken++;
            } catch (FairShareExceeded refused) {
                assertThat(refused.reason()).isEqualTo(ReasonCode.TEAM_RATE_LIMITED);
            }
        }
        assertThat(taken).isEqualTo(600);
        for (FairShare instance : instances) {
            catchRefusal(() -> instance.takeRequest(team, limits));
        }
    }

    /** One instance's many calls one after another, each closed: the team never has more than one in flight. */
    @Test
    void callsOneAfterAnotherReuseTheSameShare() {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits limits = new FairShareLimits(1000, 2);
        for (int i = 0; i < 50; i++) {
            instances[0].enterCall(team, limits).close();
        }
        FairShare.CallSlot held = instances[0].enterCall(team, limits);
        FairShare.CallSlot other = instances[1].enterCall(team, limits);

        catchRefusal(() -> instances[0].enterCall(team, limits));
        catchRefusal(() -> instances[1].enterCall(team, limits));
        held.close();
        other.close();
    }

    /**
     * One instance took the whole bound in a burst, then its calls ended: once its unused slots are
     * given back, the other instance has the whole bound, and the two never together pass it.
     */
    @Test
    void theWholeBoundMovesToTheOtherInstanceOnceTheFirstIsIdle() {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits limits = new FairShareLimits(1000, 4);
        List<FairShare.CallSlot> burst = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            burst.add(instances[0].enterCall(team, limits));
        }
        catchRefusal(() -> instances[1].enterCall(team, limits));
        burst.forEach(FairShare.CallSlot::close);

        idleSlotsGivenBack(clock, instances);

        List<FairShare.CallSlot> moved = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            moved.add(instances[1].enterCall(team, limits));
        }
        catchRefusal(() -> instances[0].enterCall(team, limits));
        catchRefusal(() -> instances[1].enterCall(team, limits));
        moved.forEach(FairShare.CallSlot::close);
    }

    /**
     * A request admitted at once when it can be, the blocking way otherwise (as the facade does,
     * ADR 0047): the two ways together are granted exactly the minute's tokens over both instances.
     */
    @Test
    void admissionsAtOnceAndTheBlockingWayTogetherKeepTheRateExactly() {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits limits = new FairShareLimits(600, 10);
        int taken = 0;
        for (int i = 0; i < 800; i++) {
            if (admit(instances[i % 2], team, limits, false).isPresent()) {
                taken++;
            }
        }
        assertThat(taken).isEqualTo(600);
        for (FairShare instance : instances) {
            assertThat(instance.admitAtOnce(team, limits, false)).isEmpty();
            catchRefusal(() -> instance.takeRequest(team, limits));
        }
    }

    /**
     * Calls admitted at once or the blocking way never pass the bound over both instances, and a
     * slot admitted at once comes back on close, for this instance at once and for the other once idle.
     */
    @Test
    void slotsAdmittedAtOnceStayWithinTheBoundAndComeBackOnClose() {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits limits = new FairShareLimits(6000, 3);
        for (int i = 0; i < 20; i++) {
            admit(instances[0], team, limits, true).orElseThrow().close();
        }
        List<FairShare.CallSlot> held = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            admit(instances[i % 2], team, limits, true).ifPresent(held::add);
        }
        assertThat(held).hasSize(3);
        for (FairShare instance : instances) {
            assertThat(instance.admitAtOnce(team, limits, true)).isEmpty();
        }
        held.forEach(FairShare.CallSlot::close);
        held.clear();

        idleSlotsGivenBack(clock, instances);

        for (int i = 0; i < 3; i++) {
            held.add(instances[1].enterCall(team, limits));
        }
        assertThat(instances[0].admitAtOnce(team, limits, true)).isEmpty();
        catchRefusal(() -> instances[0].enterCall(team, limits));
        held.removeFirst().close();
        admit(instances[1], team, limits, true).orElseThrow().close();
        held.forEach(FairShare.CallSlot::close);
    }

    /** At once if it can be, else the rate then a slot; empty when refused. */
    private static java.util.Optional<FairShare.CallSlot> admit(FairShare instance, TeamId team, FairShareLimits limits,
                                                                boolean call) {
        java.util.Optional<FairShare.CallSlot> atOnce = instance.admitAtOnce(team, limits, call);
        if (atOnce.isPresent()) {
            return atOnce;
        }
        try {
            instance.takeRequest(team, limits);
            return java.util.Optional.of(call ? instance.enterCall(team, limits) : () -> { });
        } catch (FairShareExceeded refused) {
            return java.util.Optional.empty();
        }
    }

    protected static FairShareExceeded catchRefusal(Runnable call) {
        try {
            call.run();
        } catch (FairShareExceeded refused) {
            return refused;
        }
        throw new AssertionError("expected the fair share to refuse");
    }
}
