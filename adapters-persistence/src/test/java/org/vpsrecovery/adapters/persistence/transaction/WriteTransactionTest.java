package org.vpsrecovery.adapters.persistence.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.adapters.persistence.testing.FailingConnections.failing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.PlatformUnavailable;

/**
 * Where a write transaction failed decides what its caller may say (ADR 0023, amended in session 38): before the commit
 * nothing was stored, at the commit it is unknown, after the commit returned the result stands.
 */
class WriteTransactionTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    @BeforeAll
    static void table() throws SQLException {
        try (Connection c = DATABASE.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE written (name text NOT NULL)");
        }
    }

    @Test
    void aStatementFailingBeforeTheCommitRollsBackWhatWasWrittenAndIsUnavailable() throws SQLException {
        assertThatThrownBy(() -> WriteTransaction.run(DATABASE.dataSource(), "could not write", RETRY_AFTER, c -> {
            insert(c, "before");
            try (Statement s = c.createStatement()) {
                s.execute("SELECT no_such_column FROM written");
            }
            return true;
        })).isInstanceOfSatisfying(PlatformUnavailable.class, e -> {
            assertThat(e.getMessage()).isEqualTo("could not write");
            assertThat(e.retryAfter()).isEqualTo(RETRY_AFTER);
        });
        assertThat(rows("before")).isZero();
    }

    @Test
    void aFailureOfItsOwnTypeBeforeTheCommitRollsBackAndStaysAsItWas() throws SQLException {
        IllegalStateException own = new IllegalStateException("the work refused");

        assertThatThrownBy(() -> WriteTransaction.run(DATABASE.dataSource(), "could not write", RETRY_AFTER, c -> {
            insert(c, "own");
            throw own;
        })).isSameAs(own);
        assertThat(rows("own")).isZero();
    }

    @Test
    void aCommitThatFailsAfterStoringIsAnUnknownOutcomeNotTheDomainsUnavailable() throws SQLException {
        DataSource committingThenLost = failing(DATABASE.dataSource(), "commit", true);

        assertThatThrownBy(() -> WriteTransaction.run(committingThenLost, "could not write", RETRY_AFTER,
                c -> insert(c, "at-commit")))
                .isInstanceOf(StoreOutcomeUnknown.class)
                .isNotInstanceOf(PlatformUnavailable.class)
                .hasMessageStartingWith("could not write");
        assertThat(rows("at-commit")).as("the row was committed before the connection dropped").isEqualTo(1);
    }

    @Test
    void aConnectionLostAfterTheCommitReturnedKeepsTheResult() throws SQLException {
        DataSource lostAtClose = failing(DATABASE.dataSource(), "close", true);

        int inserted = WriteTransaction.run(lostAtClose, "could not write", RETRY_AFTER, c -> insert(c, "after"));

        assertThat(inserted).isOne();
        assertThat(rows("after")).isEqualTo(1);
    }

    private static int insert(Connection c, String name) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO written (name) VALUES (?)")) {
            insert.setString(1, name);
            return insert.executeUpdate();
        }
    }

    private static long rows(String name) throws SQLException {
        try (Connection c = DATABASE.dataSource().getConnection();
             PreparedStatement count = c.prepareStatement("SELECT count(*) FROM written WHERE name = ?")) {
            count.setString(1, name);
            try (ResultSet r = count.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
