package org.vpsrecovery.adapters.persistence.fairshare;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.FairShareLimits;
import org.vpsrecovery.domain.port.FairShare;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.contract.FairShareContract;
import org.vpsrecovery.domain.testing.AdjustableClock;

/** Two adapters over two separate DataSources of one database: two service instances sharing it. */
class PgFairShareContractTest extends FairShareContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    /**
     * The instances' wait for a team's rate or block while another of the team's requests holds it in a round trip. The
     * contract's many callers of one team queue there; on a loaded machine their round trips, one after another, passed
     * the product's {@link PgFairShare#MAX_WAIT} (2 s, meant for a database that is unwell) and a caller was answered
     * {@link org.vpsrecovery.domain.port.PlatformUnavailable}. What the contract proves is the bound and the rate, not
     * that wait: it is a fixture choice here, long enough never to end a healthy queue. The wait itself has tests of its
     * own below ({@link #queuedBehindAStall}, with a wait of 200 ms).
     */
    private static final Duration WAIT_BEHIND_THE_TEAMS_ROUND_TRIPS = Duration.ofMinutes(1);

    @Override
    protected FairShare[] twoInstances(AdjustableClock clock, Duration lease) {
        return new FairShare[] {
                new PgFairShare(DATABASE.dataSource(), clock, lease, PgFairShare.IDLE, WAIT_BEHIND_THE_TEAMS_ROUND_TRIPS),
                new PgFairShare(DATABASE.dataSource(), clock, lease, PgFairShare.IDLE, WAIT_BEHIND_THE_TEAMS_ROUND_TRIPS)};
    }

    @Override
    protected void idleSlotsGivenBack(AdjustableClock clock, FairShare... instances) {
        clock.advance(PgFairShare.IDLE);
        for (FairShare instance : instances) {
            ((PgFairShare) instance).giveBackIdleSlots();
        }
    }

    /**
     * A team's first requests arrive at both instances at once, before its rate's row exists: each is
     * counted or refused for the rate, never failed for the database (a 503 was answered here).
     */
    @Test
    void aTeamsFirstRequestsAtBothInstancesAtOnceAreEachCountedOrRefused() throws Exception {
        FairShare[] instances = twoInstances(new AdjustableClock(T0), LEASE);
        for (int round = 0; round < 5; round++) {
            TeamId team = freshTeam();
            FairShareLimits limits = new FairShareLimits(10, 2);
            int callers = 16;
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
            try {
                java.util.List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    FairShare instance = instances[i % 2];
                    answers.add(pool.submit(() -> {
                        go.await();
                        try {
                            instance.takeRequest(team, limits);
                            return "taken";
                        } catch (org.vpsrecovery.domain.port.FairShareExceeded refused) {
                            return "refused";
                        } catch (RuntimeException failed) {
                            java.io.StringWriter trace = new java.io.StringWriter();
                            failed.printStackTrace(new java.io.PrintWriter(trace));
                            return "failed: " + trace;
                        }
                    }));
                }
                go.countDown();
                java.util.List<String> got = new java.util.ArrayList<>();
                for (var answer : answers) {
                    got.add(answer.get(60, java.util.concurrent.TimeUnit.SECONDS));
                }
                assertThat(got).as("round %s", round).allMatch(a -> a.equals("taken") || a.equals("refused"));
                assertThat(got).filteredOn("taken"::equals).hasSize(10);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * The rate lives in the database, one row per team whatever rate each instance was started with (ADR 0037,
     * amended in session 50), not in either instance.
     */
    @Test
    void theRateIsOneRowPerTeam() throws SQLException {
        AdjustableClock clock = new AdjustableClock(T0);
        PgFairShare before = new PgFairShare(DATABASE.dataSource(), clock, LEASE);
        clock.advance(Duration.ofSeconds(1));
        PgFairShare restarted = new PgFairShare(DATABASE.dataSource(), clock, LEASE);
        TeamId team = freshTeam();
        before.takeRequest(team, new FairShareLimits(5, 1));
        restarted.takeRequest(team, new FairShareLimits(10, 1));

        try (Connection connection = DATABASE.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM team_rate_bucket WHERE id LIKE '" + team.value() + "%'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo(team.value());
            assertThat(rows.next()).isFalse();
        }
    }

    /**
     * A rolling change of a team's rate from 60 to 120 a minute: an instance not yet restarted (on 60) and one
     * restarted (on 120) serve the team in one instant, either first. Together they admit at most the higher rate, and
     * what was spent before the change stays spent: two buckets, one per rate, admitted 180 (ADR 0037, session 50).
     */
    @Test
    void aRateRaisedByARollingRestartAdmitsAtMostTheHigherRateAcrossOldAndNewInstances() {
        for (boolean oldFirst : new boolean[] {true, false}) {
            AdjustableClock clock = new AdjustableClock(T0);
            PgFairShare notYetRestarted = new PgFairShare(DATABASE.dataSource(), clock, LEASE);
            clock.advance(Duration.ofSeconds(1));
            PgFairShare restarted = new PgFairShare(DATABASE.dataSource(), clock, LEASE);
            TeamId team = freshTeam();
            FairShareLimits old = new FairShareLimits(60, 1);
            FairShareLimits raised = new FairShareLimits(120, 1);

            int admitted = oldFirst
                    ? admittedUntilRefused(notYetRestarted, team, old) + admittedUntilRefused(restarted, team, raised)
                    : admittedUntilRefused(restarted, team, raised) + admittedUntilRefused(notYetRestarted, team, old);

            assertThat(admitted).as("old instance first: %s", oldFirst).isLessThanOrEqualTo(120);
        }
    }

    /**
     * A rate lowered from 120 to 60 a minute holds from the first request the restarted instance serves: the bucket
     * refilled to 120 under the old rate is cut to the new capacity, and the instance not yet restarted draws from it too.
     */
    @Test
    void aRateLoweredByARollingRestartHoldsForOldAndNewInstancesAlike() {
        AdjustableClock clock = new AdjustableClock(T0);
        PgFairShare notYetRestarted = new PgFairShare(DATABASE.dataSource(), clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits old = new FairShareLimits(120, 1);
        FairShareLimits lowered = new FairShareLimits(60, 1);
        notYetRestarted.takeRequest(team, old);
        clock.advance(Duration.ofMinutes(1));
        PgFairShare restarted = new PgFairShare(DATABASE.dataSource(), clock, LEASE);

        int admitted = admittedUntilRefused(restarted, team, lowered) + admittedUntilRefused(notYetRestarted, team, old);

        assertThat(admitted).isEqualTo(60);
    }

    /** How many requests of the team {@code instance} admits, at the clock's instant, before it refuses one. */
    private static int admittedUntilRefused(FairShare instance, TeamId team, FairShareLimits limits) {
        for (int admitted = 0; admitted < 1000; admitted++) {
            try {
                instance.takeRequest(team, limits);
            } catch (org.vpsrecovery.domain.port.FairShareExceeded refused) {
                return admitted;
            }
        }
        throw new AssertionError("1000 requests admitted in one instant");
    }

    /**
     * The fair share's commits skip the log flush (ADR 0042), but only for its own transactions: the
     * one pooled connection goes back in auto-commit and synchronous, as the audit appends need it,
     * after a rate, a claim, a release and a refusal; and what it wrote is there for the next reader.
     */
    @Test
    void itsUnflushedCommitsLeaveThePooledConnectionAsItCame() throws SQLException {
        HikariConfig config = DATABASE.database().poolOf(1);
        // The test server's own default is off (throw-away data): a service's session is synchronous.
        config.setConnectionInitSql("SET synchronous_commit = on");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            AdjustableClock clock = new AdjustableClock(Instant.now());
            PgFairShare fairShare = new PgFairShare(pool, clock, LEASE);
            TeamId team = freshTeam();
            FairShareLimits limits = new FairShareLimits(1, 1);

            fairShare.takeRequest(team, limits);
            FairShare.CallSlot slot = fairShare.enterCall(team, limits);
            assertThat(liveSlots(pool, team)).isEqualTo(1);
            slot.close();
            clock.advance(PgFairShare.IDLE);
            fairShare.giveBackIdleSlots();
            catchRefusal(() -> fairShare.takeRequest(team, limits));

            assertThat(liveSlots(pool, team)).isZero();
            try (Connection reused = pool.getConnection(); Statement statement = reused.createStatement();
                 ResultSet setting = statement.executeQuery("SHOW synchronous_commit")) {
                assertThat(reused.getAutoCommit()).isTrue();
                setting.next();
                assertThat(setting.getString(1)).isEqualTo("on");
            }
        }
    }

    /** An instance's block serves its calls one after another without a write: the slot's row is the one first claimed. */
    @Test
    void aBlockServesItsCallsWithoutWritingPerCall() throws SQLException {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits limits = new FairShareLimits(1000, 4);
        instances[0].enterCall(team, limits).close();
        String before = slotRows(team);

        for (int i = 0; i < 20; i++) {
            instances[0].enterCall(team, limits).close();
        }

        assertThat(slotRows(team)).isEqualTo(before).contains("1 rows");
    }

    /** A slot in use on a living instance is renewed before its lease ends: no other instance takes it. */
    @Test
    void aLivingInstanceRenewsTheSlotsItUses() {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare[] instances = twoInstances(clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits limits = new FairShareLimits(1000, 1);
        FairShare.CallSlot longCall = instances[0].enterCall(team, limits);

        clock.advance(LEASE.dividedBy(2).plusSeconds(1));
        ((PgFairShare) instances[0]).giveBackIdleSlots();
        clock.advance(LEASE.dividedBy(2));

        catchRefusal(() -> instances[1].enterCall(team, limits));
        longCall.close();
    }

    /** A stopping instance gives back its whole block at once, rather than at its leases' end. */
    @Test
    void aStoppingInstanceGivesItsBlockBack() {
        AdjustableClock clock = new AdjustableClock(T0);
        PgFairShare stopping = new PgFairShare(DATABASE.dataSource(), clock, LEASE);
        FairShare other = new PgFairShare(DATABASE.dataSource(), clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits limits = new FairShareLimits(1000, 2);
        stopping.enterCall(team, limits).close();
        stopping.enterCall(team, limits);
        stopping.enterCall(team, limits);
        catchRefusal(() -> other.enterCall(team, limits));

        stopping.close();

        other.enterCall(team, limits);
        other.enterCall(team, limits);
    }

    /**
     * With the database stalled under one request of a team fetching its rate (its connection never comes), the
     * team's other requests queued behind it on the instance are each answered {@link PlatformUnavailable} after
     * the bounded wait, not when the stalled one is done.
     */
    @Test
    void requestsQueuedForTheRateBehindOneStalledOnTheDatabaseAreAnsweredUnavailable() throws Exception {
        FairShareLimits limits = new FairShareLimits(1000, 4);
        TeamId team = freshTeam();
        assertThat(queuedBehindAStall(share -> share.takeRequest(team, limits))).containsOnly("unavailable");
    }

    /** The same for the call slots: the team's block is held by a claim whose connection never comes. */
    @Test
    void callsQueuedForASlotBehindOneStalledOnTheDatabaseAreAnsweredUnavailable() throws Exception {
        FairShareLimits limits = new FairShareLimits(1000, 4);
        TeamId team = freshTeam();
        assertThat(queuedBehindAStall(share -> share.enterCall(team, limits).close())).containsOnly("unavailable");
    }

    /** A claim that finds the bound reached is refused after one statement: nobody raced it, so no look again. */
    @Test
    void aClaimAtTheBoundIsOneStatement() {
        AdjustableClock clock = new AdjustableClock(T0);
        FairShare holding = new PgFairShare(DATABASE.dataSource(), clock, LEASE);
        AtomicInteger claims = new AtomicInteger();
        FairShare counted = new PgFairShare(countingClaims(DATABASE.dataSource(), claims), clock, LEASE);
        TeamId team = freshTeam();
        FairShareLimits limits = new FairShareLimits(1000, 1);
        FairShare.CallSlot held = holding.enterCall(team, limits);

        catchRefusal(() -> counted.enterCall(team, limits));

        assertThat(claims).hasValue(1);
        held.close();
    }

    /**
     * Runs {@code request} once on an instance whose database stalls its first connection until released, then, once
     * that one waits there holding the team's lock, four more; answers how each of the four ended. Released after.
     */
    private static List<String> queuedBehindAStall(Consumer<FairShare> request) throws Exception {
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        DataSource database = DATABASE.dataSource();
        DataSource stalling = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && first.compareAndSet(true, false)) {
                        stalled.countDown();
                        released.await();
                    }
                    try {
                        return method.invoke(database, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        PgFairShare share = new PgFairShare(stalling, new AdjustableClock(T0), LEASE, PgFairShare.IDLE, Duration.ofMillis(200));
        ExecutorService callers = Executors.newFixedThreadPool(5);
        try {
            Future<?> stalledOne = callers.submit(() -> request.accept(share));
            assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();
            List<Future<String>> queued = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                queued.add(callers.submit(() -> {
                    try {
                        request.accept(share);
                        return "admitted";
                    } catch (PlatformUnavailable unavailable) {
                        assertThat(unavailable.retryAfter()).isPositive();
                        return "unavailable";
                    }
                }));
            }
            List<String> answers = new ArrayList<>();
            for (Future<String> answer : queued) {
                answers.add(answer.get(30, TimeUnit.SECONDS)); // generous: the stalled one is still waiting
            }
            released.countDown();
            stalledOne.get(30, TimeUnit.SECONDS);
            return answers;
        } finally {
            released.countDown();
            callers.shutdownNow();
        }
    }

    /** Counts the claims of call slots prepared on its connections. */
    private static DataSource countingClaims(DataSource database, AtomicInteger claims) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(database, method, args);
                    if (!(result instanceof Connection connection)) {
                        return result;
                    }
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (connectionProxy, call, callArgs) -> {
                                if (call.getName().equals("prepareStatement") && callArgs[0] instanceof String sql
                                        && sql.contains("INSERT INTO team_call_slot")) {
                                    claims.incrementAndGet();
                                }
                                return invoke(connection, call, callArgs);
                            });
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** A lease its renewal (once half gone) could miss is refused when the adapter is built. */
    @Test
    void aLeaseTooShortForItsRenewalIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PgFairShare(DATABASE.dataSource(),
                        new AdjustableClock(T0), PgFairShare.SHORTEST_LEASE.minusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vpsr.fair-share.call-lease");
    }

    /** The team's rows: how many, and each row's version (xmin), which a write changes. */
    private static String slotRows(TeamId team) throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) || ' rows ' || coalesce(string_agg(slot || ':' || xmin::text, ','), '')"
                     + " FROM team_call_slot WHERE team = '" + team.value() + "'")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static long liveSlots(DataSource dataSource, TeamId team) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM team_call_slot WHERE team = '" + team.value() + "'")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
