package org.vpsrecovery.adapters.persistence.teamlimit;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.vpsrecovery.adapters.persistence.transaction.StoreOutcomeUnknown;
import org.vpsrecovery.adapters.persistence.transaction.WriteTransaction;

/**
 * An insert that holds a per-team limit on any number of instances: the team's transaction-scoped advisory lock, then
 * an insert that counts the team's rows in its own statement. Under READ COMMITTED each statement reads what was
 * committed before it started, so the count sees every create that held the lock before; a count and an insert in
 * separate steps let simultaneous creates each see one below the limit, and a lock and a count in one statement would
 * count from before the wait. Hand-written JDBC: advisory locks are outside what Micronaut Data expresses.
 *
 * <p>Its own package, not the persistence root: the root wires the subpackages, and the slice rule forbids the cycle.
 */
public final class TeamLimitedInsert {

    static final String LOCK_TEAM = "SELECT pg_advisory_xact_lock(?, hashtext(?))";

    private final DataSource pool;
    private final int namespace;
    private final String insertCountingTheTeam;

    /**
     * {@code namespace}: the advisory-lock namespace of this kind of row (one per table, so two kinds never wait for
     * each other); {@code insertCountingTheTeam}: an {@code INSERT ... SELECT ... WHERE (SELECT count(*) ...) < ?}
     * whose parameters are given to {@link #insert}, the limit among them.
     */
    public TeamLimitedInsert(DataSource pool, int namespace, String insertCountingTheTeam) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.namespace = namespace;
        this.insertCountingTheTeam = Objects.requireNonNull(insertCountingTheTeam, "insert");
    }

    /**
     * Whether the row was inserted (false: the team was at its limit). A database that does not answer before the
     * commit is {@code unavailable} (a message naming the step, never a value: a secret may be among them) with
     * {@code retryAfter}: nothing was stored. A commit that fails (a failover dropping the connection during it) is
     * {@link StoreOutcomeUnknown}: the row may be stored, so no caller may record it as not done ({@link WriteTransaction}).
     */
    public boolean insert(String team, List<?> parameters, String unavailable, Duration retryAfter) {
        Objects.requireNonNull(team, "team");
        return WriteTransaction.run(pool, unavailable, retryAfter, connection -> {
            try (PreparedStatement lock = connection.prepareStatement(LOCK_TEAM)) {
                lock.setInt(1, namespace);
                lock.setString(2, team);
                lock.execute();
            }
            try (PreparedStatement insert = connection.prepareStatement(insertCountingTheTeam)) {
                for (int i = 0; i < parameters.size(); i++) {
                    insert.setObject(i + 1, parameters.get(i));
                }
                return insert.executeUpdate() == 1;
            }
        });
    }
}
