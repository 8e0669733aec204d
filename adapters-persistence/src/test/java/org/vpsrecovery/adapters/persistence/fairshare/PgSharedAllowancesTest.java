package org.vpsrecovery.adapters.persistence.fairshare;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.port.SharedAllowances;

/** Allowances shared by instances on one database, and the housekeeping of idle bucket rows (ADR 0041, session 51). */
class PgSharedAllowancesTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void twoInstancesDrawFromOneAllowanceAndAShareGivenBackCountsForBoth() {
        PgSharedAllowances one = new PgSharedAllowances(DATABASE.dataSource(), Clock.systemUTC());
        PgSharedAllowances other = new PgSharedAllowances(DATABASE.dataSource(), Clock.systemUTC());

        assertThat(one.take("address:192.0.2.1", 3, MINUTE)).isEmpty();
        assertThat(other.take("address:192.0.2.1", 3, MINUTE)).isEmpty();
        assertThat(one.take("address:192.0.2.1", 3, MINUTE)).isEmpty();
        assertThat(other.take("address:192.0.2.1", 3, MINUTE)).hasValueSatisfying(wait -> assertThat(wait).isPositive());
        assertThat(one.take("address:192.0.2.2", 3, MINUTE)).as("another address's own allowance").isEmpty();

        other.giveBack("address:192.0.2.1", 3, MINUTE);
        assertThat(one.take("address:192.0.2.1", 3, MINUTE)).isEmpty();
    }

    /** Session 52: an address that never failed is not stored by a right sign-in's attempt; one kept is taken from. */
    @Test
    void takingOnlyIfKeptStoresNothingNewAndTakesFromAKeptAllowance() throws SQLException {
        PgSharedAllowances allowances = new PgSharedAllowances(DATABASE.dataSource(), Clock.systemUTC());

        assertThat(allowances.takeIfKept("address:203.0.113.1", 2, MINUTE)).isEqualTo(SharedAllowances.IfKept.NOT_KEPT);
        assertThat(ids()).doesNotContain("console:address:203.0.113.1");

        assertThat(allowances.take("address:203.0.113.1", 2, MINUTE)).isEmpty();
        assertThat(allowances.takeIfKept("address:203.0.113.1", 2, MINUTE)).isEqualTo(SharedAllowances.IfKept.TAKEN);
        assertThat(allowances.takeIfKept("address:203.0.113.1", 2, MINUTE)).satisfies(none -> {
            assertThat(none.kept()).isTrue();
            assertThat(none.retryAfter()).hasValueSatisfying(wait -> assertThat(wait).isPositive());
        });
        allowances.giveBack("address:203.0.113.1", 2, MINUTE);
        assertThat(allowances.takeIfKept("address:203.0.113.1", 2, MINUTE)).isEqualTo(SharedAllowances.IfKept.TAKEN);
    }

    @Test
    void housekeepingDeletesRowsPastTheirExpiryAndTheOldRateSchemesKeys() throws SQLException {
        PgSharedAllowances allowances = new PgSharedAllowances(DATABASE.dataSource(), Clock.systemUTC());
        long writtenAfter = System.currentTimeMillis();
        allowances.take("address:198.51.100.1", 10, MINUTE);
        allowances.take("address:198.51.100.2", 10, MINUTE);
        try (Connection connection = DATABASE.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            // Each write stores when its row may go: the bucket full again, plus an hour (Bucket4j's wall clock).
            try (ResultSet expiry = statement.executeQuery(
                    "SELECT expires_at FROM team_rate_bucket WHERE id = 'console:address:198.51.100.2'")) {
                assertThat(expiry.next()).isTrue();
                assertThat(expiry.getLong(1))
                        .isGreaterThanOrEqualTo(writtenAfter + PgSharedAllowances.KEPT_WHEN_FULL.toMillis());
            }
            // One row left idle past its expiry, a row of the rate scheme before session 50, and a team's row as that
            // release left it (no expiry).
            statement.executeUpdate("UPDATE team_rate_bucket SET expires_at = 1 WHERE id = 'console:address:198.51.100.1'");
            statement.executeUpdate("INSERT INTO team_rate_bucket (id, state) VALUES ('team-old/60-per-minute', null),"
                    + " ('team-kept', null)");
        }

        assertThat(allowances.purgeIdle()).isEqualTo(2);

        assertThat(ids()).contains("console:address:198.51.100.2", "team-kept")
                .doesNotContain("console:address:198.51.100.1", "team-old/60-per-minute");
    }

    private static List<String> ids() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection connection = DATABASE.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM team_rate_bucket")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }
}
