package org.vpsrecovery.adapters.persistence.teamlimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.adapters.persistence.testing.FailingConnections.failing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
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

    private static long rows(String team) throws SQLException {
        try (Connection c = DATABASE.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM limited WHERE team = '" + team + "'")) {
            r.next();
            return r.getLong(1);
        }
    }
}
