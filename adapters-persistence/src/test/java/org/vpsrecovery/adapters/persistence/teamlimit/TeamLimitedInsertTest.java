package org.vpsrecovery.adapters.persistence.teamlimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.adapters.persistence.testing.FailingConnections.failing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;
import org.vpsrecovery.adapters.persistence.SessionBounds;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.adapters.persistence.transaction.StoreOutcomeUnknown;
import org.vpsrecovery.domain.port.PlatformUnavailable;

/**
 * A failure before the commit is "certainly not stored" (the domain's PlatformUnavailable, a final "not done" is true);
 * one at the commit is "outcome unknown" (the row may be stored): a failover dropping the connection during the
 * commit must not be recorded as a hold, policy or webhook that was never stored (session 38, review).
 */
class TeamLimitedInsertTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    private static final String INSERT = "INSERT INTO limited (team) SELECT ? WHERE (SELECT count(*) FROM limited "
            + "WHERE team = ?) < ?";

    @BeforeAll
    static void table() throws SQLException {
        try (Connection c = DATABASE.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE limited (team text NOT NULL)");
        }
    }

    @Test
    void aCommitThatFailsAfterStoringIsAnUnknownOutcomeNotTheDomainsUnavailable() throws SQLException {
        TeamLimitedInsert insert = new TeamLimitedInsert(failing(DATABASE.dataSource(), "commit", true), 7, INSERT);

        assertThatThrownBy(() -> insert.insert("team-commit", List.of("team-commit", "team-commit", 5L),
                "could not store the row", Duration.ofSeconds(1)))
                .isInstanceOf(StoreOutcomeUnknown.class)
                .isNotInstanceOf(PlatformUnavailable.class);
        assertThat(rows("team-commit")).as("the row was committed before the connection dropped").isEqualTo(1);
    }

    @Test
    void aStatementThatFailsBeforeTheCommitIsCertainlyNotStored() throws SQLException {
        TeamLimitedInsert insert = new TeamLimitedInsert(failing(DATABASE.dataSource(), "prepareStatement", false), 7,
                INSERT);

        assertThatThrownBy(() -> insert.insert("team-before", List.of("team-before", "team-before", 5L),
                "could not store the row", Duration.ofSeconds(1)))
                .isInstanceOf(PlatformUnavailable.class);
        assertThat(rows("team-before")).isZero();
    }

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
             PreparedStatement lock = holder.prepareStatement(TeamLimitedInsert.LOCK_TEAM)) {
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

    private static long rows(String team) throws SQLException {
        try (Connection c = DATABASE.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM limited WHERE team = '" + team + "'")) {
            r.next();
            return r.getLong(1);
        }
    }
}
