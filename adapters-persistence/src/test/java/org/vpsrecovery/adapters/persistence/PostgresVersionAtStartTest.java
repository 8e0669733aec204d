package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * PostgreSQL 17 or newer at every start, not only when V64 migrates (ADR 0102, amended in session 43): a database
 * already migrated, pointed at an older server, has nothing pending. The tests' server is 17 or newer, so the rule is
 * shown on reported versions, and the start's refusal on this server with the oldest supported raised just past it.
 */
class PostgresVersionAtStartTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @Test
    void aServerOlderThan17IsRefusedInV64sWords() {
        assertThatThrownBy(() -> new PostgresServerVersion(160004, "16.4")
                .requireAtLeast(PostgresServerVersion.OLDEST_SUPPORTED))
                .isInstanceOf(PostgresServerTooOld.class)
                .hasMessageStartingWith("vps-recovery needs PostgreSQL 17 or newer; this server is PostgreSQL 16.4");
        assertThatThrownBy(() -> new PostgresServerVersion(159999, "15.99 (Debian)")
                .requireAtLeast(PostgresServerVersion.OLDEST_SUPPORTED))
                .isInstanceOf(PostgresServerTooOld.class)
                .hasMessageContaining("this server is PostgreSQL 15.99 (Debian)");
    }

    @Test
    void seventeenAndNewerAreTaken() {
        for (int number : new int[] {170000, 170011, 180001}) {
            assertThatCode(() -> new PostgresServerVersion(number, "x")
                    .requireAtLeast(PostgresServerVersion.OLDEST_SUPPORTED)).doesNotThrowAnyException();
        }
    }

    @Test
    void theRuleIsV64s() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/db/migration/V64__postgresql_17_or_newer.sql")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .contains("current_setting('server_version_num')::int < " + PostgresServerVersion.OLDEST_SUPPORTED)
                    .contains("vps-recovery needs PostgreSQL 17 or newer; this server is PostgreSQL %");
        }
    }

    @Test
    void theServersOwnVersionIsRead() throws SQLException {
        TestDatabase database = DATABASE.database();
        PostgresServerVersion version = versionOf(database);
        assertThat(version.number()).isGreaterThanOrEqualTo(PostgresServerVersion.OLDEST_SUPPORTED);
        assertThat(version.name()).isEqualTo(database.strings("SHOW server_version").get(0));
    }

    @Test
    void theServicesContextStartsOnThisServer() {
        try (ApplicationContext context = context(DATABASE.database(), new PlainTextWebhookFormat())) {
            assertThat(context.getBeansOfType(PostgresVersionAtStart.class)).hasSize(1);
        }
    }

    @Test
    void aStartOnAServerBelowTheOldestSupportedStopsAsTheDataSourceIsMade() throws SQLException {
        TestDatabase database = DATABASE.database();
        PostgresServerVersion thisServer = versionOf(database);
        // This server stands where 16 stands for the real rule: just below the oldest supported.
        PostgresVersionAtStart asIfOlder = new PostgresVersionAtStart(null, thisServer.number() + 1);

        assertThatThrownBy(() -> context(database, new PlainTextWebhookFormat(), asIfOlder).close())
                .rootCause()
                .isInstanceOf(PostgresServerTooOld.class)
                .hasMessageStartingWith("vps-recovery needs PostgreSQL 17 or newer; this server is PostgreSQL "
                        + thisServer.name());
    }

    /** The version the server under {@code database} reports, read as the start reads it. */
    private static PostgresServerVersion versionOf(TestDatabase database) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            return PostgresServerVersion.of(connection);
        }
    }

    /** The persistence adapters as the service wires them (AdapterContext's), with {@code singletons} added. */
    private static ApplicationContext context(TestDatabase database, Object... singletons) {
        return ApplicationContext.builder().singletons(singletons).properties(Map.of(
                "datasources.default.url", database.url(),
                "datasources.default.username", database.user(),
                "datasources.default.password", database.password(),
                "datasources.default.dialect", "POSTGRES",
                "datasources.default.maximum-pool-size", 2,
                "flyway.datasources.default.enabled", false)).start();
    }
}
