package org.vpsrecovery.adapters.persistence.fairshare;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.FairShareLimits;
import org.vpsrecovery.domain.port.FairShare;
import org.vpsrecovery.domain.port.contract.FairShareContract;
import org.vpsrecovery.domain.testing.AdjustableClock;

/** Two adapters over two separate DataSources of one database: two service instances sharing it. */
class PgFairShareContractTest extends FairShareContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @Override
    protected FairShare[] twoInstances(AdjustableClock clock, Duration lease) {
        return new FairShare[] {
                new PgFairShare(DATABASE.dataSource(), clock, lease),
                new PgFairShare(DATABASE.dataSource(), clock, lease)};
    }

    /** The rate lives in the database, one row per team and rate, not in either instance. */
    @Test
    void theRateIsOneRowPerTeamAndRate() throws SQLException {
        FairShare[] instances = twoInstances(new AdjustableClock(T0), LEASE);
        TeamId team = freshTeam();
        instances[0].takeRequest(team, new FairShareLimits(5, 1));
        instances[1].takeRequest(team, new FairShareLimits(5, 1));

        try (Connection connection = DATABASE.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM team_rate_bucket WHERE id LIKE '" + team.value() + "/%'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo(team.value() + "/5-per-minute");
            assertThat(rows.next()).isFalse();
        }
    }
}
