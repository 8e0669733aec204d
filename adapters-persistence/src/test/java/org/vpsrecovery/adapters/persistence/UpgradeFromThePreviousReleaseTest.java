package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.PostgresServer;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestFlyway;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * A schema older than the previous release's last migration is refused before Flyway migrates it, unless the operator
 * says no older instance runs; an empty database and a schema of the previous release or later are admitted (ADR 0142,
 * amended in session 56). The service's own migration through the pool is shown end to end in bootstrap's
 * MigrationsAtStartEndToEndTest; here the check itself and the schema owner's migration ({@code VPSR_MIGRATION_USER}).
 */
class UpgradeFromThePreviousReleaseTest {

    @RegisterExtension
    static final FreshDatabase AT_V60 = FreshDatabase.empty();

    @RegisterExtension
    static final FreshDatabase AT_V60_OVERRIDDEN = FreshDatabase.empty();

    @RegisterExtension
    static final FreshDatabase EMPTY = FreshDatabase.empty();

    @RegisterExtension
    static final FreshDatabase INSTALL_UNDER_WAY = FreshDatabase.empty();

    @RegisterExtension
    static final FreshDatabase CURRENT = FreshDatabase.migrated();

    @Test
    void theSchemasVersionIsTheNewestAppliedMigrationAndAnEmptyDatabaseHasNone() throws Exception {
        TestDatabase empty = EMPTY.database();
        try (Connection connection = empty.dataSource().getConnection()) {
            assertThat(UpgradeFromThePreviousRelease.schemaVersion(connection)).isEmpty();
            assertThatCode(() -> UpgradeFromThePreviousRelease.require(connection,
                    UpgradeFromThePreviousRelease.UPGRADES_FROM, false))
                    .as("an empty database is installed, not upgraded").doesNotThrowAnyException();
        }
        try (Connection connection = CURRENT.database().dataSource().getConnection()) {
            String newest = BuildMigrations.read(getClass().getClassLoader()).newestVersion();
            assertThat(UpgradeFromThePreviousRelease.schemaVersion(connection)).contains(newest);
            assertThatCode(() -> UpgradeFromThePreviousRelease.require(connection,
                    UpgradeFromThePreviousRelease.UPGRADES_FROM, false)).doesNotThrowAnyException();
            assertThatCode(() -> UpgradeFromThePreviousRelease.require(connection, newest, false))
                    .as("a schema at the oldest version upgraded from").doesNotThrowAnyException();
            // Versions compare as numbers: V76 is not older than V8.
            assertThatCode(() -> UpgradeFromThePreviousRelease.require(connection, "8", false)).doesNotThrowAnyException();
        }
    }

    @Test
    void aCheckWhileAnotherInstanceInstallsWaitsForFlywaysLockAndIsAdmittedOnceTheInstallEnds() throws Exception {
        TestDatabase database = INSTALL_UNDER_WAY.database();
        database.execute("CREATE SCHEMA test_gate; CREATE TABLE test_gate.migration_gate (id int)");
        ExecutorService instances = Executors.newFixedThreadPool(2);
        try (Connection gate = database.dataSource().getConnection();
             Connection watcher = database.dataSource().getConnection();
             Connection check = sessions(database, "second").getConnection()) {
            gate.setAutoCommit(false);
            try (Statement statement = gate.createStatement()) {
                statement.execute("LOCK TABLE test_gate.migration_gate IN ACCESS EXCLUSIVE MODE");
            }
            // Instance A installs V1 then V2, which waits at the gate: Flyway's lock is held, the history says V1.
            Future<MigrateResult> installing = instances.submit(() -> TestFlyway.configure()
                    .dataSource(sessions(database, "first")).locations("classpath:migration-tests/install-under-way")
                    .load().migrate());
            awaitTrue(() -> exists(watcher, "SELECT 1 FROM pg_stat_activity WHERE application_name = 'first' "
                    + "AND wait_event_type = 'Lock' AND query LIKE '%migration_gate%'"), installing);
            assertThat(database.strings("SELECT version FROM flyway_schema_history WHERE success")).containsExactly("1");

            // Instance B's check, for a release that upgrades from V2: it has read (and refused), or it asks for the lock.
            Future<?> checked = instances.submit(() -> {
                UpgradeFromThePreviousRelease.require(check, "2", false);
                return null;
            });
            awaitTrue(() -> checked.isDone() || exists(watcher, "SELECT 1 FROM pg_stat_activity WHERE application_name "
                    + "= 'second' AND query LIKE '%pg_try_advisory_lock%'"), null);

            gate.commit();
            assertThat(installing.get(60, TimeUnit.SECONDS).migrationsExecuted).isEqualTo(2);
            assertThatCode(() -> checked.get(60, TimeUnit.SECONDS)).as("admitted once the install ended")
                    .doesNotThrowAnyException();
            assertThat(exists(watcher, "SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"))
                    .as("the check released Flyway's lock").isFalse();
        } finally {
            instances.shutdownNow();
        }
    }

    @Test
    void anInstallCutShortIsRefusedSayingSoAndTheOverride() {
        assertThat(new SchemaFromBeforeThePreviousRelease("30", "76").getMessage())
                .contains("or an install cut short (a first start stopped part-way) is being finished, set "
                        + UpgradeFromThePreviousRelease.ALLOW_SKIPPING_RELEASES + "=true");
    }

    @Test
    void theSchemaOwnersMigrationRefusesASchemaFromBeforeThePreviousReleaseAndMigratesNothing() throws Exception {
        TestDatabase database = AT_V60.database();
        PostgresServer.migrateTo(database, "60");

        assertThatThrownBy(() -> ownersContext(database, Map.of()).close())
                .rootCause()
                .isInstanceOf(SchemaFromBeforeThePreviousRelease.class)
                .hasMessageStartingWith("the database's schema is at V60, but this release upgrades from V"
                        + UpgradeFromThePreviousRelease.UPGRADES_FROM + " or later");
        assertThat(database.strings("SELECT max(version::int)::text FROM flyway_schema_history")).containsExactly("60");
    }

    @Test
    void theOperatorsOverrideLetsTheSchemaOwnerMigrateFromBeforeThePreviousRelease() throws Exception {
        TestDatabase database = AT_V60_OVERRIDDEN.database();
        PostgresServer.migrateTo(database, "60");
        String newest = BuildMigrations.read(getClass().getClassLoader()).newestVersion();

        try (ApplicationContext context = ownersContext(database,
                Map.of(UpgradeFromThePreviousRelease.ALLOW_SKIPPING_RELEASES, "true"))) {
            assertThat(database.strings("SELECT max(version::int)::text FROM flyway_schema_history")).containsExactly(newest);
        }
    }

    @Test
    void theOverrideIsTrueOrFalseAndNothingElse() {
        assertThat(UpgradeFromThePreviousRelease.allowSkipping("true")).isTrue();
        assertThat(UpgradeFromThePreviousRelease.allowSkipping("false")).isFalse();
        assertThatThrownBy(() -> UpgradeFromThePreviousRelease.allowSkipping("yes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("vpsr.migration.allow-skipping-releases must be true or false, was yes");
    }

    private static PGSimpleDataSource sessions(TestDatabase database, String instance) {
        PGSimpleDataSource sessions = new PGSimpleDataSource();
        sessions.setURL(database.url());
        sessions.setUser(database.user());
        sessions.setPassword(database.password());
        sessions.setApplicationName(instance);
        return sessions;
    }

    private static boolean exists(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
            return rows.next();
        }
    }

    /** Polls {@code condition} until it holds; fails at once if {@code running} ended first (it would never hold). */
    private static void awaitTrue(Condition condition, Future<?> running) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.holds()) {
            if (running != null && running.isDone()) {
                running.get();
                throw new AssertionError("ended before the awaited state was seen");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the awaited state was not seen within 60 s");
            }
            Thread.sleep(20);
        }
    }

    @FunctionalInterface
    private interface Condition {
        boolean holds() throws Exception;
    }

    /** The persistence adapters with a migration owner of its own, as Deployment writes it for VPSR_MIGRATION_USER. */
    private static ApplicationContext ownersContext(TestDatabase database, Map<String, Object> more) {
        Map<String, Object> properties = new HashMap<>(Map.of(
                "datasources.default.url", database.url(),
                "datasources.default.username", database.user(),
                "datasources.default.password", database.password(),
                "datasources.default.dialect", "POSTGRES",
                "datasources.default.maximum-pool-size", 2,
                "flyway.datasources.default.enabled", false,
                "flyway.datasources.owner.enabled", true,
                "flyway.datasources.owner.url", database.url(),
                "flyway.datasources.owner.user", database.user(),
                "flyway.datasources.owner.password", database.password()));
        properties.putAll(more);
        return ApplicationContext.builder().singletons(new PlainTextWebhookFormat()).properties(properties).start();
    }
}
