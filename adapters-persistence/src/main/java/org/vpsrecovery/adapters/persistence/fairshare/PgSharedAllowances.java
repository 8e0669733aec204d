package org.vpsrecovery.adapters.persistence.fairshare;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.SharedAllowances;

/**
 * Allowances shared by every instance in Bucket4j buckets on PostgreSQL, in the fair share's table
 * ({@code team_rate_bucket}, the same select-for-update proxy manager as {@link PgFairShare}; ADR 0041, amended in
 * session 51). A right sign-in's attempt reads first and writes only a row already kept ({@link #takeIfKept}, session
52). Keys are {@code console:<name>}: a team id is a slug and never holds a colon. Each write stores when its
 * bucket is full again plus {@link #KEPT_WHEN_FULL} ({@code expires_at}, V71; Bucket4j reckons it by this machine's wall
 * clock, as its deletion compares); {@link #purgeIdle} deletes the rows past it, whose buckets are full and so equal to
 * none, and the rows of the fair share's rate scheme before session 50.
 */
public final class PgSharedAllowances implements SharedAllowances {

    static final String KEY_PREFIX = "console:";
    /** How long a full bucket's row is kept after it refilled: rows untouched that long are deleted. */
    public static final Duration KEPT_WHEN_FULL = Duration.ofHours(1);
    static final Duration UNAVAILABLE_RETRY_AFTER = Duration.ofSeconds(5);
    private static final int PURGE_BATCH = 1000;
    private static final String KEPT = "SELECT 1 FROM team_rate_bucket WHERE id = ?";
    private static final String OLD_RATE_SCHEME_ROWS = "DELETE FROM team_rate_bucket WHERE id ~ '/[0-9]+-per-minute$'";

    private final DataSource dataSource;
    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    /** As {@link PgFairShare}'s: the instance started last sets a changed capacity or interval. */
    private final long configurationVersion;

    public PgSharedAllowances(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
        this.configurationVersion = clock.millis();
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(UnflushedCommits.of(dataSource))
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("team_rate_bucket").idColumn("id").stateColumn("state").expiresAtColumn("expires_at")
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEPT_WHEN_FULL))
                .clientClock(PgFairShare.timeMeter(clock))
                .build();
    }

    @Override
    public Optional<Duration> take(String name, long capacity, Duration interval) {
        ConsumptionProbe probe = use(name, capacity, interval, "take", proxy -> proxy.tryConsumeAndReturnRemaining(1));
        return probe.isConsumed() ? Optional.empty()
                : Optional.of(Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill())));
    }

    /**
     * A plain read first: Bucket4j's select-for-update manager locks a missing row by inserting it, so asking it would
     * store every address that tries. A row deleted between the read and the take (only one full for an hour) is
     * stored again, full less one: no sign-in is counted twice.
     */
    @Override
    public IfKept takeIfKept(String name, long capacity, Duration interval) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement kept = connection.prepareStatement(KEPT)) {
            connection.setAutoCommit(true);
            kept.setString(1, KEY_PREFIX + name);
            try (ResultSet row = kept.executeQuery()) {
                if (!row.next()) {
                    return IfKept.NOT_KEPT;
                }
            }
        } catch (SQLException e) {
            throw new PlatformUnavailable("could not read a shared allowance (the platform's database)",
                    UNAVAILABLE_RETRY_AFTER, e);
        }
        return take(name, capacity, interval).map(IfKept::empty).orElse(IfKept.TAKEN);
    }

    @Override
    public void giveBack(String name, long capacity, Duration interval) {
        use(name, capacity, interval, "give back", proxy -> {
            proxy.addTokens(1);
            return null;
        });
    }

    private <T> T use(String name, long capacity, Duration interval, String what,
                      java.util.function.Function<io.github.bucket4j.distributed.BucketProxy, T> command) {
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, interval).build()).build();
        try {
            return command.apply(buckets.builder()
                    .withImplicitConfigurationReplacement(configurationVersion, TokensInheritanceStrategy.AS_IS)
                    .build(KEY_PREFIX + name, () -> configuration));
        } catch (RuntimeException e) {
            throw new PlatformUnavailable("could not " + what + " a shared allowance (the platform's database)",
                    UNAVAILABLE_RETRY_AFTER, e);
        }
    }

    /**
     * Deletes the bucket rows past their expiry (against this machine's wall clock, as Bucket4j compares) and the old
     * rate scheme's; how many. Safe on every instance at once (Bucket4j skips locked rows).
     */
    public int purgeIdle() {
        int deleted = 0;
        try {
            int batch;
            do {
                batch = buckets.removeExpired(PURGE_BATCH);
                deleted += batch;
            } while (batch == PURGE_BATCH);
        } catch (RuntimeException e) {
            throw new PlatformUnavailable("could not delete idle bucket rows (the platform's database)",
                    UNAVAILABLE_RETRY_AFTER, e);
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement old = connection.prepareStatement(OLD_RATE_SCHEME_ROWS)) {
            connection.setAutoCommit(true);
            return deleted + old.executeUpdate();
        } catch (SQLException e) {
            throw new PlatformUnavailable("could not delete idle bucket rows (the platform's database)",
                    UNAVAILABLE_RETRY_AFTER, e);
        }
    }
}
