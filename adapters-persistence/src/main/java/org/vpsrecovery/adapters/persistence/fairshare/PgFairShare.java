package org.vpsrecovery.adapters.persistence.fairshare;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.FairShareLimits;
import org.vpsrecovery.domain.port.FairShare;
import org.vpsrecovery.domain.port.FairShareExceeded;
import org.vpsrecovery.domain.port.PlatformUnavailable;

/**
 * Each team's fair share on PostgreSQL, shared by every instance (migration V18, ADR 0037).
 *
 * <p>The rate is a Bucket4j bucket behind Bucket4j's PostgreSQL proxy manager (select for update on
 * {@code team_rate_bucket}; not its advisory-lock variant, whose keys would share one space with the
 * server locks'). The calls in flight are leased slots in {@code team_call_slot}: one
 * {@code INSERT ... ON CONFLICT} claims free slots or ones whose lease ran out, so two instances
 * racing for a slot cannot both hold it, and a dead instance's slots free themselves when their
 * leases end. An instance leases a block of a team's slots and hands them out to its own requests
 * without a round trip (ADR 0045): the block grows when its requests find no free slot here, and a
 * slot unused for {@link #IDLE} goes back to the table, where the other instances can claim it.
 * Plain JDBC: the claim is a conditional write whose returned rows are the answer. "Now" comes
 * from the clock, as in the idempotency records.
 */
public final class PgFairShare implements FairShare, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PgFairShare.class);
    static final Duration IN_FLIGHT_RETRY_AFTER = Duration.ofSeconds(1);
    static final Duration UNAVAILABLE_RETRY_AFTER = Duration.ofSeconds(5);
    // Racers that picked the same free slot: the losers look again, a few times, then are refused.
    // A claim that found no free slot at all (the bound reached) is not tried again: nobody raced it.
    private static final int CLAIM_ATTEMPTS = 4;
    /** Returned by the claim, alone, when it found no free slot to try: the team's bound is reached. */
    private static final int NO_FREE_SLOT = -1;

    /**
     * How long a request waits for a team's rate or block while another of the team's requests holds it
     * through a round trip. Past it the request is refused as the database's trouble ({@link PlatformUnavailable},
     * 503 with Retry-After), so with a slow or unreachable database each queued request is answered within
     * this, not after every request ahead of it has had its own connection timeout.
     */
    public static final Duration MAX_WAIT = Duration.ofSeconds(2);

    /**
     * The fair share's own writes commit without waiting for the write-ahead log's flush (ADR 0042):
     * other sessions see them at once, as with any commit; only a PostgreSQL crash could forget the
     * last fraction of a second of them. {@code set_config(..., true)} lasts until the end of the
     * statement's own transaction, its commit included, in the same round trip.
     */
    private static final String UNFLUSHED = "SELECT set_config('synchronous_commit', 'off', true)";

    // Up to the wanted number of random free slots (fewer racers on one row than "the lowest"), no
    // more than the bound less the team's live leases (a bound lowered under slots taken with a higher one).
    // The claimed slots; or, when there was no free slot to try (the bound reached), NO_FREE_SLOT alone, so that
    // "full" is told from "every slot tried was taken by a racer" without another round trip.
    private static final String CLAIM = """
            WITH unflushed AS MATERIALIZED (%s), live AS (
                SELECT slot FROM team_call_slot WHERE team = ? AND leased_until > ?
            ), free AS MATERIALIZED (
                SELECT s AS slot FROM generate_series(0, ? - 1) AS s, unflushed
                WHERE s NOT IN (SELECT slot FROM live)
                ORDER BY random() LIMIT greatest(0, least(?, ? - (SELECT count(*) FROM live)))
            ), claimed AS (
                INSERT INTO team_call_slot (team, slot, holder, leased_until)
                SELECT ?, slot, ?, ? FROM free
                ON CONFLICT (team, slot) DO UPDATE SET holder = EXCLUDED.holder, leased_until = EXCLUDED.leased_until
                    WHERE team_call_slot.leased_until <= ?
                RETURNING slot
            )
            SELECT slot FROM claimed
            UNION ALL SELECT %d WHERE NOT EXISTS (SELECT 1 FROM free)""".formatted(UNFLUSHED, NO_FREE_SLOT);

    private static final String RENEW = "UPDATE team_call_slot SET leased_until = ? FROM (" + UNFLUSHED + ") AS unflushed"
            + " WHERE team = ? AND holder = ? AND slot = ANY (?) RETURNING slot";

    private static final String RELEASE = "DELETE FROM team_call_slot USING (" + UNFLUSHED + ") AS unflushed"
            + " WHERE team = ? AND holder = ? AND slot = ANY (?)";

    /**
     * How long tokens taken from a team's shared bucket in one batch may be spent here; unspent
     * ones lapse. A token is spent at most this long after the shared bucket granted it, so the
     * team's requests in any window stay within what the bucket allows over that window plus this.
     */
    public static final Duration TOKENS_VALID = Duration.ofSeconds(1);

    /** How long a slot this instance holds may stay unused before it goes back to the shared table. */
    public static final Duration IDLE = Duration.ofMillis(500);

    /**
     * The shortest call lease ({@code vpsr.fair-share.call-lease}) accepted. A block is renewed once half its lease
     * is gone, so half of it must outlast what a renewal may take before it lands: a background tick
     * ({@link #IDLE} / 4), the wait for the block ({@link #MAX_WAIT}), a pooled connection (the pool's 5 s timeout),
     * the statement, and the instances' clocks apart (leases are compared with another instance's clock). Shorter,
     * another instance could claim a slot whose call still runs here (ADR 0045, amended in session 36).
     */
    public static final Duration SHORTEST_LEASE = Duration.ofSeconds(20);

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration lease;
    private final Duration idle;
    private final Duration maxWait;
    private final ProxyManager<String> buckets;
    // This instance's holder id on every slot row it leases.
    private final UUID holder = UUID.randomUUID();
    private final ConcurrentHashMap<TeamId, Block> blocks = new ConcurrentHashMap<>();
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("vpsr-call-slots").factory());
    // The configured teams only, so this stays small.
    private final ConcurrentHashMap<TeamId, Rate> rates = new ConcurrentHashMap<>();
    /**
     * The version of this instance's rates in the shared buckets: when it was built, at start, where its teams and
     * {@code vpsr.fair-share.*} are read (a change is made by a rolling restart).
     */
    private final long configurationVersion;

    public PgFairShare(DataSource dataSource, Clock clock, Duration lease) {
        this(dataSource, clock, lease, IDLE);
    }

    public PgFairShare(DataSource dataSource, Clock clock, Duration lease, Duration idle) {
        this(dataSource, clock, lease, idle, MAX_WAIT);
    }

    public PgFairShare(DataSource dataSource, Clock clock, Duration lease, Duration idle, Duration maxWait) {
        this.idle = Objects.requireNonNull(idle, "idle");
        this.maxWait = Objects.requireNonNull(maxWait, "max wait");
        if (maxWait.isNegative() || maxWait.isZero()) {
            throw new IllegalArgumentException("the wait for a team's rate or call slots must be positive");
        }
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lease = Objects.requireNonNull(lease, "lease");
        if (lease.compareTo(SHORTEST_LEASE) < 0) {
            throw new IllegalArgumentException("the call slots' lease (vpsr.fair-share.call-lease) must be at least "
                    + SHORTEST_LEASE.toSeconds() + " s, was " + lease);
        }
        this.configurationVersion = clock.millis();
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(UnflushedCommits.of(dataSource))
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("team_rate_bucket").idColumn("id").stateColumn("state")
                .clientClock(timeMeter(clock))
                .build();
    }

    @Override
    public void takeRequest(TeamId team, FairShareLimits limits) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        Rate rate = rateOf(team, limits);
        if (!lockBy(rate.lock, deadline)) {
            throw waitedTooLong("take a request from the team's rate");
        }
        try {
            Instant now = clock.instant();
            if (rate.left > 0 && now.isBefore(rate.spendBy)) {
                rate.left--;
                rate.spent++;
                return;
            }
            rate.nextBatch(limits);
            long taken = fromBucket(rate, bucket -> bucket.tryConsumeAsMuchAsPossible(rate.batch));
            if (taken == 0) {
                ConsumptionProbe probe = fromBucket(rate, bucket -> bucket.tryConsumeAndReturnRemaining(1));
                if (!probe.isConsumed()) {
                    throw FairShareExceeded.rate(limits.requestsPerMinute(), Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill())));
                }
                taken = 1;
            }
            // Taken now, spent here within the validity or never (ADR 0045).
            rate.left = taken - 1;
            rate.spent = 1;
            rate.spendBy = now.plus(TOKENS_VALID);
        } finally {
            rate.lock.unlock();
        }
    }

    /**
     * A token of the batch in hand and, for a call, a free slot of the block, taken together or not
     * at all, with {@code tryLock} only: never a round trip, never a wait behind one (ADR 0047).
     * Empty when the batch is spent or lapsed, the block has no free slot or its lease is due for
     * renewal, or another thread holds either lock: the blocking path then does what is needed.
     */
    @Override
    public Optional<CallSlot> admitAtOnce(TeamId team, FairShareLimits limits, boolean call) {
        Rate rate = rates.get(team);
        if (rate == null || !rate.lock.tryLock()) {
            return Optional.empty();
        }
        try {
            Instant now = clock.instant();
            if (rate.left <= 0 || !now.isBefore(rate.spendBy)) {
                return Optional.empty();
            }
            if (!call) {
                rate.left--;
                rate.spent++;
                return Optional.of(NO_SLOT);
            }
            Block block = blocks.get(team);
            if (block == null || !block.tryEnter()) {
                return Optional.empty();
            }
            try {
                if (block.inUse >= limits.callsInFlight() || block.free.isEmpty() || block.renewalDue(now)) {
                    return Optional.empty();
                }
                Integer slot = block.free.pollFirst();
                block.inUse++;
                rate.left--;
                rate.spent++;
                return Optional.of(new LocalSlot(block, slot));
            } finally {
                block.leave();
            }
        } finally {
            rate.lock.unlock();
        }
    }

    private static final CallSlot NO_SLOT = () -> { };

    private static <T> T fromBucket(Rate rate, java.util.function.Function<BucketProxy, T> use) {
        try {
            return use.apply(rate.bucket);
        } catch (RuntimeException e) {
            throw unavailable("take a request from the team's rate", e);
        }
    }

    /**
     * One proxy per team, kept: one bucket per team, shared by every instance whatever rate each was started with
     * (ADR 0037, amended in session 50). The rate was in the key: during a rolling change of a team's rate the
     * instances on the old and the new rate drew from two buckets, the team got both rates' worth, and every change
     * started a full bucket. Now an instance whose configuration is newer (started later) replaces the bucket's
     * configuration in place, its tokens kept as they are (never more than the new capacity); an instance started
     * earlier draws from the bucket under the newer configuration it finds there. So a team gets at most the higher of
     * the two rates while a change rolls out, and a lowered rate holds once the first instance with it serves the team.
     * (The rate itself as the version would let the higher rate win for good: a lowered rate would never apply.) The
     * plain proxy creates a missing bucket (a team's first requests at several instances at once).
     */
    private Rate rateOf(TeamId team, FairShareLimits limits) {
        return rates.computeIfAbsent(team, key -> new Rate(buckets.builder()
                .withImplicitConfigurationReplacement(configurationVersion, TokensInheritanceStrategy.AS_IS)
                .build(key.value(), () -> rate(limits))));
    }

    /**
     * One team's rate on this instance: the tokens it took from the shared bucket in one batch and
     * may spend until {@code spendBy}. The batch grows (doubling) while the instance spends a whole
     * batch within its validity, shrinks to what was spent otherwise, and never exceeds the rate's
     * refill over the validity: an instance cannot hoard more than that second's worth of requests.
     */
    private static final class Rate {

        final BucketProxy bucket;
        final ReentrantLock lock = new ReentrantLock();
        long batch;
        long left;
        long spent;
        Instant spendBy = Instant.MIN;

        Rate(BucketProxy bucket) {
            this.bucket = bucket;
        }

        void nextBatch(FairShareLimits limits) {
            long most = Math.max(1, limits.requestsPerMinute() * TOKENS_VALID.toMillis() / Duration.ofMinutes(1).toMillis());
            long next = left == 0 ? Math.max(1, batch * 2) : Math.max(1, spent);
            batch = Math.min(most, next);
        }
    }

    static BucketConfiguration rate(FairShareLimits limits) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(limits.requestsPerMinute())
                        .refillGreedy(limits.requestsPerMinute(), Duration.ofMinutes(1)).build())
                .build();
    }

    @Override
    public CallSlot enterCall(TeamId team, FairShareLimits limits) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        Block block = blocks.computeIfAbsent(team, Block::new);
        if (!block.enterBy(deadline)) {
            throw waitedTooLong("take a call slot");
        }
        try {
            Instant now = clock.instant();
            block.renewIfHalfGone(now);
            // A lowered bound: the calls this instance has in flight count against it.
            if (block.inUse < limits.callsInFlight()) {
                if (block.free.isEmpty()) {
                    block.claim(limits, now);
                }
                Integer slot = block.free.pollFirst();
                if (slot != null) {
                    block.inUse++;
                    return new LocalSlot(block, slot);
                }
            }
        } finally {
            block.leave();
        }
        throw FairShareExceeded.callsInFlight(limits.callsInFlight(), IN_FLIGHT_RETRY_AFTER);
    }

    /**
     * Gives back to the shared table the slots this instance has held unused for the idle time, and
     * renews the leases of the rest once half gone. Run in the background ({@link #startGivingBack});
     * tests call it after moving their clock.
     */
    public void giveBackIdleSlots() {
        for (Block block : blocks.values()) {
            // A request holding the block (in a round trip) renews it itself if due; the other teams' blocks go on.
            if (!block.enterBy(System.nanoTime() + maxWait.toNanos())) {
                LOG.debug("the call slots of team {} were held for {}; looked at again next time", block.team.value(), maxWait);
                continue;
            }
            try {
                Instant now = clock.instant();
                List<Integer> idleSlots = new ArrayList<>();
                // The least recently freed are at the back: hand-outs take from the front.
                while (!block.free.isEmpty() && !block.freedAt.get(block.free.peekLast()).plus(idle).isAfter(now)) {
                    Integer slot = block.free.pollLast();
                    block.freedAt.remove(slot);
                    idleSlots.add(slot);
                }
                block.giveBack(idleSlots);
                block.renewIfHalfGone(now);
            } catch (RuntimeException e) {
                LOG.warn("could not give back or renew the call slots of team {}; their leases free them: {}",
                        block.team.value(), e.toString());
            } finally {
                block.leave();
            }
        }
    }

    /** Gives back idle slots and renews leases every quarter of the idle time, on one daemon thread. */
    public PgFairShare startGivingBack() {
        long every = Math.max(1, idle.toMillis() / 4);
        background.scheduleWithFixedDelay(this::giveBackIdleSlots, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Stops the background work and gives every slot this instance holds back (those in use too: it is stopping). */
    @Override
    public void close() {
        background.shutdownNow();
        for (Block block : blocks.values()) {
            if (!block.enterBy(System.nanoTime() + maxWait.toNanos())) {
                LOG.warn("the call slots of team {} were held for {} while stopping; their leases free them",
                        block.team.value(), maxWait);
                continue;
            }
            try {
                List<Integer> all = new ArrayList<>(block.free);
                all.addAll(block.leased);
                block.giveBack(new ArrayList<>(new java.util.LinkedHashSet<>(all)));
                block.free.clear();
            } catch (RuntimeException e) {
                LOG.warn("could not give back the call slots of team {}; their leases free them: {}",
                        block.team.value(), e.toString());
            } finally {
                block.leave();
            }
        }
    }

    /**
     * This instance's block of one team's slots (ADR 0045): leased from the shared table, every row
     * under this instance's holder id, handed out here without a database round trip. The table's
     * unique (team, slot) rows keep the sum of every instance's blocks within the bound.
     */
    private final class Block {

        final TeamId team;
        final ReentrantLock lock = new ReentrantLock();
        final Set<Integer> leased = new HashSet<>();
        // Free slots, the most recently freed first; their freeing instant decides when they go back.
        final Deque<Integer> free = new ArrayDeque<>();
        final Map<Integer, Instant> freedAt = new HashMap<>();
        // Slots whose calls ended while another thread held the lock: applied by whoever holds it next.
        final ConcurrentLinkedQueue<Integer> ended = new ConcurrentLinkedQueue<>();
        int inUse;
        Instant leasedUntil = Instant.MIN;

        Block(TeamId team) {
            this.team = team;
        }

        /** Takes the lock by the deadline ({@link System#nanoTime}), or answers false having taken nothing. */
        boolean enterBy(long deadline) {
            if (!lockBy(lock, deadline)) {
                return false;
            }
            applyEnded();
            return true;
        }

        boolean tryEnter() {
            if (!lock.tryLock()) {
                return false;
            }
            applyEnded();
            return true;
        }

        /** Unlocks; a slot that ended meanwhile is applied here or by the thread that queued it. */
        void leave() {
            lock.unlock();
            applyEndedIfFree();
        }

        private void applyEndedIfFree() {
            while (!ended.isEmpty() && lock.tryLock()) {
                try {
                    applyEnded();
                } finally {
                    lock.unlock();
                }
            }
        }

        private void applyEnded() {
            Instant now = null;
            for (Integer slot = ended.poll(); slot != null; slot = ended.poll()) {
                now = now == null ? clock.instant() : now;
                inUse--;
                if (leased.contains(slot)) {
                    free.addFirst(slot);
                    freedAt.put(slot, now);
                }
            }
        }

        boolean renewalDue(Instant now) {
            return !leased.isEmpty() && !leasedUntil.minus(lease.dividedBy(2)).isAfter(now);
        }

        /** Claims more slots: as many as it holds already (the block doubles), at least one, within the bound. */
        void claim(FairShareLimits limits, Instant now) {
            int wanted = Math.max(1, Math.min(leased.size(), limits.callsInFlight() - leased.size()));
            OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
            OffsetDateTime until = at.plus(lease);
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
                    List<Integer> claimed = new ArrayList<>();
                    boolean noFreeSlot = false;
                    try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
                        claim.setString(1, team.value());
                        claim.setObject(2, at);
                        claim.setInt(3, limits.callsInFlight());
                        claim.setInt(4, wanted);
                        claim.setInt(5, limits.callsInFlight());
                        claim.setString(6, team.value());
                        claim.setObject(7, holder);
                        claim.setObject(8, until);
                        claim.setObject(9, at);
                        try (ResultSet rows = claim.executeQuery()) {
                            while (rows.next()) {
                                int slot = rows.getInt(1);
                                if (slot == NO_FREE_SLOT) {
                                    noFreeSlot = true;
                                } else {
                                    claimed.add(slot);
                                }
                            }
                        }
                    }
                    if (noFreeSlot) {
                        return; // the bound is reached: refused by the caller, without another look
                    }
                    if (!claimed.isEmpty()) {
                        boolean grew = !leased.isEmpty();
                        for (Integer slot : claimed) {
                            leased.add(slot);
                            free.addFirst(slot);
                            freedAt.put(slot, now);
                        }
                        if (grew) {
                            renew(connection, now); // the whole block on one lease end again
                        } else {
                            leasedUntil = until.toInstant();
                        }
                        return;
                    }
                }
            } catch (SQLException e) {
                throw unavailable("take a call slot", e);
            }
        }

        /** Renews the whole block's lease once half of it is gone, so the slots in use never lapse while this instance lives. */
        void renewIfHalfGone(Instant now) {
            if (!renewalDue(now)) {
                return;
            }
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                renew(connection, now);
            } catch (SQLException e) {
                throw unavailable("renew the team's call slots", e);
            }
        }

        /** One lease end for the whole block; a slot another holder took meanwhile (its lease had lapsed) is dropped. */
        private void renew(Connection connection, Instant now) throws SQLException {
            if (leased.isEmpty()) {
                return;
            }
            OffsetDateTime until = OffsetDateTime.ofInstant(now, ZoneOffset.UTC).plus(lease);
            Set<Integer> kept = new HashSet<>();
            try (PreparedStatement renew = connection.prepareStatement(RENEW)) {
                renew.setObject(1, until);
                renew.setString(2, team.value());
                renew.setObject(3, holder);
                renew.setArray(4, connection.createArrayOf("integer", leased.toArray()));
                try (ResultSet rows = renew.executeQuery()) {
                    while (rows.next()) {
                        kept.add(rows.getInt(1));
                    }
                }
            }
            if (kept.size() < leased.size()) {
                LOG.warn("team {} lost {} call slots whose lease had lapsed", team.value(), leased.size() - kept.size());
                leased.retainAll(kept);
                free.retainAll(kept);
                freedAt.keySet().retainAll(kept);
            }
            leasedUntil = until.toInstant();
        }

        void giveBack(List<Integer> slots) {
            if (slots.isEmpty()) {
                return;
            }
            slots.forEach(leased::remove);
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement release = connection.prepareStatement(RELEASE)) {
                connection.setAutoCommit(true);
                release.setString(1, team.value());
                release.setObject(2, holder);
                release.setArray(3, connection.createArrayOf("integer", slots.toArray()));
                release.executeUpdate();
            } catch (SQLException e) {
                throw unavailable("give back call slots", e);
            }
        }

        /**
         * A call ended: its slot is free here at once, and goes back to the table once idle. Never
         * waits for the lock (its holder may be in a round trip, and this may run on an event loop):
         * queued, and applied by whichever thread holds the lock.
         */
        void release(int slot) {
            ended.add(slot);
            applyEndedIfFree();
        }
    }

    /** One call in flight on a slot of this instance's block; only the first close counts. */
    private static final class LocalSlot implements CallSlot {

        private final Block block;
        private final int slot;
        private final AtomicBoolean closed = new AtomicBoolean();

        LocalSlot(Block block, int slot) {
            this.block = block;
            this.slot = slot;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                block.release(slot);
            }
        }
    }

    /** Takes {@code lock} by the deadline ({@link System#nanoTime}); false if it could not (or was interrupted). */
    private static boolean lockBy(ReentrantLock lock, long deadline) {
        try {
            return lock.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Another request of the team held its rate or block, in a round trip to the database, past the wait. */
    private PlatformUnavailable waitedTooLong(String what) {
        return new PlatformUnavailable("could not " + what + " within " + maxWait.toMillis() + " ms: the team's other "
                + "requests are waiting for the platform's database; nothing was done", UNAVAILABLE_RETRY_AFTER, null);
    }

    private static PlatformUnavailable unavailable(String what, Exception cause) {
        return new PlatformUnavailable("could not " + what + " (the platform's database)", UNAVAILABLE_RETRY_AFTER, cause);
    }

    /** Bucket4j's time from the clock: instances share wall-clock time, and tests move it by hand. */
    static TimeMeter timeMeter(Clock clock) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }
}
