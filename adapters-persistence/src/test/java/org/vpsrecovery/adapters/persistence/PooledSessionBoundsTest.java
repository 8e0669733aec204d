package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.PostgresServer;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * The service's pool gives every session the configured bounds (ADR 0023, amended in session 39), keeps an operator's
 * own pgjdbc options, and refuses to start on a bound out of range, naming its key.
 */
class PooledSessionBoundsTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static ApplicationContext context(Map<String, Object> more) {
        TestDatabase database = DATABASE.database();
        Map<String, Object> properties = new HashMap<>(Map.of(
                "datasources.default.url", database.url(),
                "datasources.default.username", database.user(),
                "datasources.default.password", database.password(),
                "datasources.default.dialect", "POSTGRES",
                "datasources.default.maximum-pool-size", 2,
                "flyway.datasources.default.enabled", false));
        properties.putAll(more);
        return ApplicationContext.builder().singletons(new PlainTextWebhookFormat()).properties(properties).start();
    }

    private static String show(Connection connection, String setting) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void everyPooledSessionWaitsForALockSitsSilentAndGoesUnheardOnlyAsLongAsConfigured() throws SQLException {
        try (ApplicationContext context = context(Map.of(
                "vpsr.database.lock-timeout", "750ms",
                "vpsr.database.idle-in-transaction-timeout", "45s",
                "vpsr.database.keepalive-idle", "12s",
                "datasources.default.data-source-properties.options", "-c statement_timeout=1234"));
             Connection connection = PostgresAdapterFactory.pooled(context.getBean(DataSource.class)).getConnection()) {
            assertThat(show(connection, "lock_timeout")).isEqualTo("750ms");
            assertThat(show(connection, "idle_in_transaction_session_timeout")).isEqualTo("45s");
            // Seconds, shown without their unit; the kernel's own 7200 otherwise.
            assertThat(show(connection, "tcp_keepalives_idle")).isEqualTo("12");
            assertThat(show(connection, "tcp_keepalives_interval")).isEqualTo("4");
            assertThat(show(connection, "tcp_keepalives_count")).isEqualTo("3");
            assertThat(show(connection, "statement_timeout")).as("the operator's own options kept").isEqualTo("1234ms");
        }
    }

    @Test
    void theDefaultsBoundEverySessionToo() throws SQLException {
        try (ApplicationContext context = context(Map.of());
             Connection connection = PostgresAdapterFactory.pooled(context.getBean(DataSource.class)).getConnection()) {
            assertThat(show(connection, "lock_timeout")).isEqualTo("10s");
            assertThat(show(connection, "idle_in_transaction_session_timeout")).isEqualTo("1min");
            assertThat(show(connection, "tcp_keepalives_idle")).isEqualTo("30");
            assertThat(connection.getNetworkTimeout()).as("the client's wait for an answer, bounded (session 45)")
                    .isEqualTo(90_000);
        }
    }

    /**
     * Every pooled statement's answer is waited for at most {@code vpsr.database.network-timeout}, the lost connection
     * being the database out of reach; a long read of its own lifts it on its connection only, the pool puts it back
     * (ADR 0023, amended in session 45).
     */
    @Test
    void aStatementUnansweredWithinTheNetworkBoundIsOutOfReachUnlessItsLongReadLiftsIt() throws SQLException {
        try (ApplicationContext context = context(Map.of(
                "vpsr.database.lock-timeout", "500ms",
                "vpsr.database.network-timeout", "1s"))) {
            DataSource pool = PostgresAdapterFactory.pooled(context.getBean(DataSource.class));
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(connection.getNetworkTimeout()).isEqualTo(1000);
                assertThatThrownBy(() -> statement.execute("SELECT pg_sleep(2)"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(cut -> assertThat(
                                org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach.outOfReach(cut))
                                .as("a lost connection, answered as the database out of reach").isTrue());
            }
            String longRead = ReadOnlySnapshot.read(pool, "could not read long", connection -> {
                // Lifted, never removed: with no bound a primary gone without a FIN holds the read for ever.
                assertThat(connection.getNetworkTimeout()).isEqualTo(ReadOnlySnapshot.LONG_READ_NETWORK_TIMEOUT_MILLIS)
                        .isEqualTo(3_600_000);
                try (Statement statement = connection.createStatement();
                     ResultSet rs = statement.executeQuery("SELECT pg_sleep(2)::text")) {
                    rs.next();
                    return "read";
                }
            });
            assertThat(longRead).isEqualTo("read");
            try (Connection connection = pool.getConnection()) {
                assertThat(connection.getNetworkTimeout()).as("put back when the long read's connection returned")
                        .isEqualTo(1000);
            }
        }
    }

    @Test
    void aBoundOutOfRangeRefusesTheStartNamingItsKey() {
        assertThatThrownBy(() -> {
            try (ApplicationContext context = context(Map.of("vpsr.database.lock-timeout", "0s"))) {
                context.getBean(DataSource.class);
            }
        }).hasStackTraceContaining("vpsr.database.lock-timeout must be");
        assertThatThrownBy(() -> {
            try (ApplicationContext context = context(Map.of("vpsr.database.idle-in-transaction-timeout", "2h"))) {
                context.getBean(DataSource.class);
            }
        }).hasStackTraceContaining("vpsr.database.idle-in-transaction-timeout must be");
        assertThatThrownBy(() -> {
            try (ApplicationContext context = context(Map.of("vpsr.database.network-timeout", "10s"))) {
                context.getBean(DataSource.class);
            }
        }).hasStackTraceContaining("vpsr.database.network-timeout must be longer than vpsr.database.lock-timeout");
    }

    /**
     * Flyway 10 keeps its lock's transaction open on its main session while a migration runs on another: the pool's
     * idle bound on that session ended it before the history was written (ADR 0023, amended in session 39, review).
     */
    @Test
    void aMigrationLongerThanTheIdleBoundFinishesThroughTheServicesOwnDatabase(@TempDir Path slowMigrations)
            throws IOException, SQLException {
        Files.writeString(slowMigrations.resolve("V9000__slow.sql"), "SELECT pg_sleep(3);\n");
        TestDatabase unmigrated = PostgresServer.shared().createDatabase();
        try {
            Map<String, Object> properties = new HashMap<>(Map.of(
                    "datasources.default.url", unmigrated.url(),
                    "datasources.default.username", unmigrated.user(),
                    "datasources.default.password", unmigrated.password(),
                    "datasources.default.dialect", "POSTGRES",
                    "datasources.default.maximum-pool-size", 2,
                    "flyway.datasources.default.enabled", true,
                    "flyway.datasources.default.locations",
                            "classpath:db/migration,filesystem:" + slowMigrations.toAbsolutePath(),
                    "vpsr.database.idle-in-transaction-timeout", "1s",
                    // Shorter than the migration's statement: the migrations' sessions go without it (session 45).
                    "vpsr.database.lock-timeout", "1s",
                    "vpsr.database.network-timeout", "2s"));
            try (ApplicationContext context = ApplicationContext.builder().singletons(new PlainTextWebhookFormat())
                    .properties(properties).start();
                 Connection connection = PostgresAdapterFactory.pooled(context.getBean(DataSource.class)).getConnection()) {
                assertThat(show(connection, "idle_in_transaction_session_timeout"))
                        .as("the pool keeps its bound").isEqualTo("1s");
                assertThat(connection.getNetworkTimeout()).as("and its network bound").isEqualTo(2000);
            }
            assertThat(unmigrated.strings("SELECT success::text FROM flyway_schema_history WHERE version = '9000'"))
                    .containsExactly("true");
        } finally {
            unmigrated.drop();
        }
    }

    /**
     * Options given in the database URL (a {@code search_path}) reach the migrations' sessions as they reach the pool's:
     * the migrations land in the schema the service reads. And beside the bounds, not instead of them (ADR 0023,
     * amended in session 40): pgjdbc let the URL's options replace the property that carried the bounds.
     */
    @Test
    void theOptionsOfTheDatabaseUrlReachTheMigrationsAsTheyReachThePool() throws SQLException {
        TestDatabase unmigrated = PostgresServer.shared().createDatabase();
        try {
            unmigrated.execute("CREATE SCHEMA vpsr");
            String url = withUrlOptions(unmigrated.url(), "-c%20search_path%3Dvpsr");
            Map<String, Object> properties = new HashMap<>(Map.of(
                    "datasources.default.url", url,
                    "datasources.default.username", unmigrated.user(),
                    "datasources.default.password", unmigrated.password(),
                    "datasources.default.dialect", "POSTGRES",
                    "datasources.default.maximum-pool-size", 2,
                    "flyway.datasources.default.enabled", true));
            try (ApplicationContext context = ApplicationContext.builder().singletons(new PlainTextWebhookFormat())
                    .properties(properties).start()) {
                try (Connection connection = PostgresAdapterFactory.pooled(context.getBean(DataSource.class))
                        .getConnection()) {
                    assertThat(show(connection, "search_path")).as("the pool's sessions").isEqualTo("vpsr");
                    assertThat(show(connection, "lock_timeout")).as("the pool's lock bound").isEqualTo("10s");
                    assertThat(show(connection, "idle_in_transaction_session_timeout")).as("the pool's idle bound")
                            .isEqualTo("1min");
                    assertThat(show(connection, "tcp_keepalives_idle")).as("the pool's keepalives").isEqualTo("30");
                }
                try (Connection migrations = migrationSessions(context).getConnection()) {
                    assertThat(show(migrations, "search_path")).as("the migrations' sessions").isEqualTo("vpsr");
                    assertThat(show(migrations, "lock_timeout")).as("the migrations' lock bound").isEqualTo("10s");
                    assertThat(show(migrations, "idle_in_transaction_session_timeout")).as("the migrations' idle bound")
                            .isEqualTo("0");
                    assertThat(show(migrations, "tcp_keepalives_idle")).as("the migrations' keepalives")
                            .isEqualTo("30");
                }
            }
            assertThat(unmigrated.strings("SELECT table_schema FROM information_schema.tables "
                    + "WHERE table_name = 'flyway_schema_history'")).containsExactly("vpsr");
        } finally {
            unmigrated.drop();
        }
    }

    /**
     * The bounds come first, then the data source's {@code options} property, then the URL's options: where two name
     * the same setting the later wins, so an operator's explicit {@code -c lock_timeout} in the URL still holds, and
     * every setting nobody else named keeps its bound (ADR 0023, amended in session 40).
     */
    @Test
    void aSettingTheDatabaseUrlNamesWinsOverItsBoundAndThePropertyAndEveryOtherBoundStays() throws SQLException {
        try (ApplicationContext context = context(Map.of(
                "datasources.default.url", withUrlOptions(DATABASE.database().url(),
                        "-c%20lock_timeout%3D2s%20-c%20statement_timeout%3D1234"),
                "datasources.default.data-source-properties.options", "-c statement_timeout=999 -c work_mem=8MB"))) {
            try (Connection connection = PostgresAdapterFactory.pooled(context.getBean(DataSource.class))
                    .getConnection()) {
                assertThat(show(connection, "lock_timeout")).as("the URL's over the bound").isEqualTo("2s");
                assertThat(show(connection, "statement_timeout")).as("the URL's over the property's")
                        .isEqualTo("1234ms");
                assertThat(show(connection, "work_mem")).as("the property's kept").isEqualTo("8MB");
                assertThat(show(connection, "idle_in_transaction_session_timeout")).isEqualTo("1min");
                assertThat(show(connection, "tcp_keepalives_idle")).isEqualTo("30");
            }
            try (Connection migrations = migrationSessions(context).getConnection()) {
                assertThat(show(migrations, "lock_timeout")).isEqualTo("2s");
                assertThat(show(migrations, "statement_timeout")).isEqualTo("1234ms");
                assertThat(show(migrations, "work_mem")).isEqualTo("8MB");
                assertThat(show(migrations, "idle_in_transaction_session_timeout")).isEqualTo("0");
                assertThat(show(migrations, "tcp_keepalives_idle")).isEqualTo("30");
            }
        }
    }

    private static String withUrlOptions(String url, String encodedOptions) {
        return url + (url.contains("?") ? "&" : "?") + "options=" + encodedOptions;
    }

    private static DataSource migrationSessions(ApplicationContext context) {
        return MigrationSessionsWithoutTheIdleBound.migrationSessions(context.getBean(DatasourceConfiguration.class,
                Qualifiers.byName(MigrationSessionsWithoutTheIdleBound.DATA_SOURCE)));
    }
}
