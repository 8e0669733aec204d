package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;

/**
 * V64 (ADR 0102, amended in session 42): on a server older than 17 the audit's flush wait fails after every append's
 * COMMIT, so the schema refuses such a server, naming the version found. The tests' server is 17: the migration's own
 * condition is run as written (it passes) and with its threshold raised past this server (it refuses, as it would on
 * 16).
 */
class PostgresVersionMigrationTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    private static final String THRESHOLD = "< 170000";

    @Test
    void passesOnThisServer() throws Exception {
        try (Connection connection = DATABASE.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(migration());
        }
    }

    @Test
    void refusesAServerBelowTheThresholdNamingItsVersion() throws Exception {
        String version;
        int versionNumber;
        try (Connection connection = DATABASE.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT current_setting('server_version'), current_setting('server_version_num')::int")) {
            rs.next();
            version = rs.getString(1);
            versionNumber = rs.getInt(2);
        }
        // This server stands where 16 stands for the real threshold: just below it.
        String asIfOlder = migration().replace(THRESHOLD, "< " + (versionNumber + 1));

        try (Connection connection = DATABASE.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute(asIfOlder))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("vps-recovery needs PostgreSQL 17 or newer; this server is PostgreSQL "
                            + version);
        }
    }

    private static String migration() throws IOException {
        try (InputStream in = PostgresVersionMigrationTest.class.getResourceAsStream(
                "/db/migration/V64__postgresql_17_or_newer.sql")) {
            assertThat(in).as("V64 on the class path").isNotNull();
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(sql).contains(THRESHOLD);
            return sql;
        }
    }
}
