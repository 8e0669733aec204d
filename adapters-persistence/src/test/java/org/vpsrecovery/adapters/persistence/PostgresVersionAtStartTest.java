package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.metrics.IMetricsTracker;
import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.flyway.FlywayConfigurationProperties;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * PostgreSQL 17 or newer at every start, not only when V64 migrates (ADR 0102, amended in session 43): a database
 * already migrated, pointed at an older server, has nothing pending. The tests' server is 17 or newer, so the rule is
 * shown on reported versions, and the start's refusal on this server with the oldest supported raised just past it.
 * Session 44: the version is read from what the connection was told, on the schema check's connection, and a migration
 * owner's Flyway migrates nothing before it is checked.
 */
class PostgresVersionAtStartTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    /** Never migrated: what a migration owner's Flyway would migrate at the start (one a test). */
    @RegisterExtension
    static final FreshDatabase EMPTY = FreshDatabase.empty();

    @RegisterExtension
    static final FreshDatabase ANOTHER_EMPTY = FreshDatabase.empty();

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
    void aReportedVersionIsServerVersionNumsNumber() {
        // PgJDBC's major and minor of these server_version strings (its getServerMajorVersion/MinorVersion).
        assertThat(PostgresServerVersion.reported(17, 0, "17beta1")).isEqualTo(new PostgresServerVersion(170000, "17beta1"));
        assertThat(PostgresServerVersion.reported(17, 11, "17.11")).isEqualTo(new PostgresServerVersion(170011, "17.11"));
        assertThat(PostgresServerVersion.reported(9, 6, "9.6.24").number()).isEqualTo(90600);
        assertThatCode(() -> PostgresServerVersion.reported(17, 0, "17beta1")
                .requireAtLeast(PostgresServerVersion.OLDEST_SUPPORTED)).doesNotThrowAnyException();
        assertThatThrownBy(() -> PostgresServerVersion.reported(16, 4, "16.4 (Debian 16.4-1.pgdg120+1)")
                .requireAtLeast(PostgresServerVersion.OLDEST_SUPPORTED))
                .isInstanceOf(PostgresServerTooOld.class)
                .hasMessageStartingWith("vps-recovery needs PostgreSQL 17 or newer; this server is PostgreSQL "
                        + "16.4 (Debian 16.4-1.pgdg120+1) (upgrade the server");
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
        assertThat(version.number()).isEqualTo(Integer.parseInt(database.strings("SHOW server_version_num").get(0)));
        assertThat(version.name()).isEqualTo(database.strings("SHOW server_version").get(0));
    }

    @Test
    void theVersionIsWhatTheConnectionWasToldWithoutARoundTrip() throws SQLException {
        TestDatabase database = DATABASE.database();
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (Statement failing = connection.createStatement()) {
                assertThatThrownBy(() -> failing.execute("SELECT 1 / 0")).isInstanceOf(SQLException.class);
            }
            // The server now refuses every statement until the rollback: the version is read all the same.
            assertThat(PostgresServerVersion.of(connection).name())
                    .isEqualTo(database.strings("SHOW server_version").get(0));
            connection.rollback();
        }
    }

    @Test
    void theStartTakesOneConnectionOfThePoolForTheVersionAndTheSchema() {
        CountedCheckouts checkouts = new CountedCheckouts();
        Map<String, Object> properties = new java.util.HashMap<>(poolOf(DATABASE.database()));
        // The schema is current: the schema check runs, and leaves Flyway's migrate out.
        properties.put("flyway.datasources.default.enabled", true);
        try (ApplicationContext context = ApplicationContext.builder()
                .singletons(new PlainTextWebhookFormat(), checkouts).properties(properties).start()) {
            assertThat(context.findBean(Flyway.class)).isEmpty();
            assertThat(checkouts.count()).isEqualTo(1);
        }
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

    @Test
    void withAMigrationOwnerOfItsOwnNothingIsMigratedOnAServerBelowTheOldestSupported() throws SQLException {
        // The pool is made before the owner's Flyway configuration here (the order its definitions are found in).
        assertNothingMigratedBeforeTheRefusal(EMPTY.database());
    }

    @Test
    void withAMigrationOwnerOfItsOwnMadeFirstNothingIsMigratedOnAServerBelowTheOldestSupported() throws SQLException {
        // Both are made eagerly, in no order of the service's: here the owner's Flyway configuration comes first.
        assertNothingMigratedBeforeTheRefusal(ANOTHER_EMPTY.database(), new OwnersFlywayMadeBeforeThePool());
    }

    private static void assertNothingMigratedBeforeTheRefusal(TestDatabase empty, Object... more) throws SQLException {
        PostgresServerVersion thisServer = versionOf(empty);
        // Both of the start's checks stand where 16 stands for the real rule.
        List<Object> singletons = new ArrayList<>(List.of(new PlainTextWebhookFormat(),
                new PostgresVersionAtStart(null, thisServer.number() + 1),
                new PostgresVersionBeforeOwnerMigration(thisServer.number() + 1)));
        singletons.addAll(List.of(more));

        assertThatThrownBy(() -> ownersContext(empty, singletons.toArray()).close())
                .rootCause()
                .isInstanceOf(PostgresServerTooOld.class)
                .hasMessageStartingWith("vps-recovery needs PostgreSQL 17 or newer; this server is PostgreSQL "
                        + thisServer.name());
        // Flyway never ran: no schema history, no table of the service's.
        assertThat(empty.strings("SELECT to_regclass('flyway_schema_history') IS NULL")).containsExactly("t");
        assertThat(empty.strings("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"))
                .containsExactly("0");
    }

    /** Makes the owner's Flyway configuration (micronaut-flyway then migrates) as the pool's configuration is made. */
    private static final class OwnersFlywayMadeBeforeThePool implements BeanCreatedEventListener<DatasourceConfiguration> {
        @Override
        public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
            event.getSource().findBean(FlywayConfigurationProperties.class, Qualifiers.byName("owner"));
            return event.getBean();
        }
    }

    /**
     * As {@link #context}, with a migration owner of its own as Deployment writes it for {@code VPSR_MIGRATION_USER}:
     * Flyway migrates as that login, over its own connection, not through the pool.
     */
    private static ApplicationContext ownersContext(TestDatabase database, Object... singletons) {
        Map<String, Object> properties = new java.util.HashMap<>(poolOf(database));
        properties.putAll(Map.of(
                "flyway.datasources.owner.enabled", true,
                "flyway.datasources.owner.url", database.url(),
                "flyway.datasources.owner.user", database.user(),
                "flyway.datasources.owner.password", database.password()));
        return ApplicationContext.builder().singletons(singletons).properties(properties).start();
    }

    /** Counts the pool's checkouts (Hikari's borrows) from its first. */
    private static final class CountedCheckouts implements BeanCreatedEventListener<DatasourceConfiguration> {
        private final AtomicInteger borrowed = new AtomicInteger();

        @Override
        public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
            event.getBean().setMetricsTrackerFactory((pool, stats) -> new IMetricsTracker() {
                @Override
                public void recordConnectionAcquiredNanos(long elapsedAcquiredNanos) {
                    borrowed.incrementAndGet();
                }
            });
            return event.getBean();
        }

        int count() {
            return borrowed.get();
        }
    }

    /** The persistence adapters as the service wires them (AdapterContext's), with {@code singletons} added. */
    private static ApplicationContext context(TestDatabase database, Object... singletons) {
        return ApplicationContext.builder().singletons(singletons).properties(poolOf(database)).start();
    }

    /** The pool on {@code database}, Flyway's migrate through it off (the tests' schemas are made by TestDatabase). */
    private static Map<String, Object> poolOf(TestDatabase database) {
        return Map.of(
                "datasources.default.url", database.url(),
                "datasources.default.username", database.user(),
                "datasources.default.password", database.password(),
                "datasources.default.dialect", "POSTGRES",
                "datasources.default.maximum-pool-size", 2,
                "flyway.datasources.default.enabled", false);
    }
}
