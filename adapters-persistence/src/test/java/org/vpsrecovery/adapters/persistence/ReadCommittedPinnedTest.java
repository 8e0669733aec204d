package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;
import org.vpsrecovery.adapters.persistence.teamlimit.TeamLimitedInsert;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;

/**
 * The pool's sessions run READ COMMITTED whatever the database's or role's default ({@link SessionBounds}; ADR 0023,
 * amended in session 42): what {@link TeamLimitedInsert}'s count after its lock, the write transactions and the chain
 * head's {@code FOR UPDATE} rely on. In the persistence root, which may use every subpackage (the slice rule).
 */
class ReadCommittedPinnedTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    private static final String INSERT = "INSERT INTO limited (team) SELECT ? WHERE (SELECT count(*) FROM limited "
            + "WHERE team = ?) < ?";
    /** TeamLimitedInsert's own lock on a team, taken here by a third session. */
    private static final String LOCK_TEAM = "SELECT pg_advisory_xact_lock(?, hashtext(?))";

    /**
     * Isolation pinned, not assumed (ADR 0023, amended in session 42): under a database default of REPEATABLE READ the
     * count after the team's lock read from before the lock's wait, so two creates at a limit of one both passed. The
     * sessions are the pool's (its options, {@link SessionBounds}); the second waits on the team's lock while the first
     * holds it, as two instances' simultaneous creates do.
     */
    @Test
    void twoSimultaneousInsertsAtALimitOfOneStoreOneRowUnderADatabaseDefaultOfRepeatableRead() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        database.execute("CREATE TABLE limited (team text NOT NULL)");
        database.execute("ALTER DATABASE " + database.name() + " SET default_transaction_isolation = 'repeatable read'");
        PGSimpleDataSource pooled = new PGSimpleDataSource();
        pooled.setURL(database.url());
        pooled.setUser(database.user());
        pooled.setPassword(database.password());
        pooled.setOptions(new SessionBounds(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(30))
                .pgjdbcOptions());
        TeamLimitedInsert limited = new TeamLimitedInsert(pooled, 7, INSERT);
        List<Object> atLimitOne = List.of("blue", "blue", 1L);

        List<CompletableFuture<Boolean>> inserts = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
             Connection holder = database.dataSource().getConnection();
             PreparedStatement lock = holder.prepareStatement(LOCK_TEAM)) {
            holder.setAutoCommit(false);
            lock.setInt(1, 7);
            lock.setString(2, "blue");
            lock.execute();
            for (int i = 0; i < 2; i++) {
                inserts.add(CompletableFuture.supplyAsync(() -> limited.insert("blue", atLimitOne,
                        "could not store the row", Duration.ofSeconds(1)), threads));
            }
            // Both inside their transaction, waiting on the team's lock: a state, polled (60 s is only a cap).
            for (int i = 0; i < 6000 && waitingOnAdvisoryLocks(database) < 2; i++) {
                Thread.sleep(10);
            }
            assertThat(waitingOnAdvisoryLocks(database)).as("both inserts wait on the team's lock").isEqualTo(2);
            holder.commit();
        }

        long stored = 0;
        for (CompletableFuture<Boolean> insert : inserts) {
            stored += insert.get(60, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(stored).isEqualTo(1);
        assertThat(database.strings("SELECT count(*) FROM limited")).containsExactly("1");
    }

    private static long waitingOnAdvisoryLocks(TestDatabase database) throws SQLException {
        return Long.parseLong(database.strings("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                + "AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
                .getFirst());
    }
}
