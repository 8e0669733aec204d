package org.vpsrecovery.adapters.persistence.fairshare;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.BucketNotFoundException;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
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
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
 * {@code INSERT ... ON CONFLICT} claims a free slot or one whose lease ran out, so two instances
 * racing for a slot cannot both hold it, and a dead instance's slots free themselves when their
 * leases end. Plain JDBC: the claim is a conditional write whose returned row is the answer.
 * "Now" comes from the clock, as in the idempotency records.
 */
public final class PgFairShare implements FairShare {

    private static final Logger LOG = LoggerFactory.getLogger(PgFairShare.class);
    static final Duration IN_FLIGHT_RETRY_AFTER = Duration.ofSeconds(1);
    static final Duration UNAVAILABLE_RETRY_AFTER = Duration.ofSeconds(5);
    // Racers that picked the same free slot: the losers look again, a few times, then are refused.
    private static final int CLAIM_ATTEMPTS = 4;

    /**
     * The fair share's own writes commit without waiting for the write-ahead log's flush (ADR 0042):
     * other sessions see them at once, as with any commit; only a PostgreSQL crash could forget the
     * last fraction of a second of them. {@code set_config(..., true)} lasts until the end of the
     * statement's own transaction, its commit included, in the same round trip.
     */
    private static final String UNFLUSHED = "SELECT set_config('synchronous_commit', 'off', true)";

    // A random free slot (fewer racers on one row than "the lowest"); none when the team's live
    // leases already reach the bound (a bound lowered under slots taken with a higher one).
    private static final String CLAIM = """
            WITH unflushed AS MATERIALIZED (%s), live AS (
                SELECT slot FROM team_call_slot WHERE team = ? AND leased_until > ?
            ), free AS (
                SELECT s AS slot FROM generate_series(0, ? - 1) AS s, unflushed
                WHERE s NOT IN (SELECT slot FROM live) AND (SELECT count(*) FROM live) < ?
                ORDER BY random() LIMIT 1
            )
            INSERT INTO team_call_slot (team, slot, holder, leased_until)
            SELECT ?, slot, ?, ? FROM free
            ON CONFLICT (team, slot) DO UPDATE SET holder = EXCLUDED.holder, leased_until = EXCLUDED.leased_until
                WHERE team_call_slot.leased_until <= ?
            RETURNING slot""".formatted(UNFLUSHED);

    private static final String RELEASE = "DELETE FROM team_call_slot USING (" + UNFLUSHED + ") AS unflushed"
            + " WHERE team = ? AND slot = ? AND holder = ?";

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration lease;
    private final ProxyManager<String> buckets;
    // Teams and rates are the configured ones only, so this stays small.
    private final ConcurrentHashMap<String, Rate> rates = new ConcurrentHashMap<>();

    public PgFairShare(DataSource dataSource, Clock clock, Duration lease) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lease = Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("the call slots' lease must be positive");
        }
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(UnflushedCommits.of(dataSource))
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("team_rate_bucket").idColumn("id").stateColumn("state")
                .clientClock(timeMeter(clock))
                .build();
    }

    @Override
    public void takeRequest(TeamId team, FairShareLimits limits) {
        ConsumptionProbe probe;
        Rate rate = rateOf(team, limits);
        try {
            probe = rate.batched().tryConsumeAndReturnRemaining(1);
        } catch (RuntimeException e) {
            if (!bucketNotFound(e)) {
                throw unavailable("take a request from the team's rate", e);
            }
            // Bucket4j's batching does not create a bucket that is not there yet (a team's first requests,
            // at several instances at once): the plain proxy creates it and takes this request's token.
            try {
                probe = rate.plain().tryConsumeAndReturnRemaining(1);
            } catch (RuntimeException again) {
                throw unavailable("take a request from the team's rate", again);
            }
        }
        if (!probe.isConsumed()) {
            throw FairShareExceeded.rate(Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill())));
        }
    }

    /**
     * One proxy per team and rate, kept: Bucket4j's batching merges the requests that arrive together
     * on this instance into one locked read-and-write of the row, each still taking its own token
     * (ADR 0042). The rate is in the key: a changed rate starts a full bucket of its own on every
     * instance alike.
     */
    private Rate rateOf(TeamId team, FairShareLimits limits) {
        return rates.computeIfAbsent(team.value() + "/" + limits.requestsPerMinute() + "-per-minute",
                key -> new Rate(buckets.builder().withOptimization(Optimizations.batching()).build(key, () -> rate(limits)),
                        buckets.builder().build(key, () -> rate(limits))));
    }

    /** One team's rate: batched for the common case, plain to create the bucket when it is missing. */
    private record Rate(BucketProxy batched, BucketProxy plain) {
    }

    private static boolean bucketNotFound(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BucketNotFoundException) {
                return true;
            }
        }
        return false;
    }

    static BucketConfiguration rate(FairShareLimits limits) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(limits.requestsPerMinute())
                        .refillGreedy(limits.requestsPerMinute(), Duration.ofMinutes(1)).build())
                .build();
    }

    @Override
    public CallSlot enterCall(TeamId team, FairShareLimits limits) {
        UUID holder = UUID.randomUUID();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
                Instant now = clock.instant();
                OffsetDateTime at = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
                try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
                    claim.setString(1, team.value());
                    claim.setObject(2, at);
                    claim.setInt(3, limits.callsInFlight());
                    claim.setInt(4, limits.callsInFlight());
                    claim.setString(5, team.value());
                    claim.setObject(6, holder);
                    claim.setObject(7, at.plus(lease));
                    claim.setObject(8, at);
                    try (ResultSet claimed = claim.executeQuery()) {
                        if (claimed.next()) {
                            return new LeasedSlot(team, claimed.getInt(1), holder);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw unavailable("take a call slot", e);
        }
        throw FairShareExceeded.callsInFlight(limits.callsInFlight(), IN_FLIGHT_RETRY_AFTER);
    }

    /** Closing frees the slot if this holder still has it; a failed delete leaves it to its lease. */
    private final class LeasedSlot implements CallSlot {

        private final TeamId team;
        private final int slot;
        private final UUID holder;
        private final AtomicBoolean closed = new AtomicBoolean();

        LeasedSlot(TeamId team, int slot, UUID holder) {
            this.team = team;
            this.slot = slot;
            this.holder = holder;
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement release = connection.prepareStatement(RELEASE)) {
                connection.setAutoCommit(true);
                release.setString(1, team.value());
                release.setInt(2, slot);
                release.setObject(3, holder);
                release.executeUpdate();
            } catch (SQLException | RuntimeException e) {
                LOG.warn("could not free call slot {} of team {}; its lease frees it: {}", slot, team.value(), e.toString());
            }
        }
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
