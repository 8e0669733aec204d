package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.flyway.FlywayConfigurationCustomizer;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestFlyway;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * Flyway configured as the service's migrations are ({@link FlywaySessionLevelLock}, ADR
 * 0142, amended in session 56), over test-only migrations ({@code migration-tests/}), never the real ones: a
 * {@code CREATE INDEX CONCURRENTLY} in a script with {@code executeInTransaction=false} lets another session's append
 * complete while it builds, and two instances migrating at once are still serialised. "While it builds" is shown by
 * {@code pg_stat_progress_create_index} and a transaction the test holds open, never by a sleep; every wait is bounded
 * (a future's timeout, {@code lock_timeout}), so a regression fails the test rather than hanging it.
 */
class IndexBuiltConcurrentlyByFlywayTest {

    @RegisterExtension
    static final FreshDatabase CONCURRENT_INDEX = FreshDatabase.empty();

    @RegisterExtension
    static final FreshDatabase TWO_INSTANCES = FreshDatabase.empty();

    @RegisterExtension
    static final FreshDatabase FAILED_BUILD = FreshDatabase.empty();

    private final ExecutorService migrations = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        migrations.shutdownNow();
    }

    @Test
    void anAppendMadeWhileAConcurrentlyBuiltIndexIsUnderWayCompletes() throws Exception {
        TestDatabase database = CONCURRENT_INDEX.database();
        asTheService(database, "migrating", "migration-tests/concurrent-index").target("1").load().migrate();
        try (Connection writer = database.dataSource().getConnection();
             Connection appender = database.dataSource().getConnection();
             Connection watcher = database.dataSource().getConnection()) {
            // An open write the build waits for ("waiting for writers before build"): the build is under way while it is.
            writer.setAutoCommit(false);
            try (Statement statement = writer.createStatement()) {
                statement.executeUpdate("INSERT INTO appended (team) VALUES ('held-open')");
            }
            Future<MigrateResult> build = migrations.submit(
                    () -> asTheService(database, "migrating", "migration-tests/concurrent-index").load().migrate());
            awaitTrue(() -> buildUnderWay(watcher), build);

            // A plain CREATE INDEX (ShareLock) would hold this append off until lock_timeout: it is not held off.
            try (Statement statement = appender.createStatement()) {
                statement.execute("SET lock_timeout = '20s'");
                assertThat(statement.executeUpdate("INSERT INTO appended (team) VALUES ('appended-meanwhile')")).isEqualTo(1);
            }
            assertThat(buildUnderWay(watcher)).as("the build is still under way after the append completed").isTrue();
            assertThat(build.isDone()).isFalse();

            writer.commit();
            MigrateResult result = build.get(60, TimeUnit.SECONDS);
            assertThat(result.success).isTrue();
            assertThat(result.migrationsExecuted).isEqualTo(1);
        }
        assertThat(database.strings("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'appended_by_team'::regclass"))
                .containsExactly("true");
        assertThat(database.strings("SELECT count(*)::text FROM appended WHERE team IN ('held-open', 'appended-meanwhile')"))
                .containsExactly("2");
    }

    @Test
    void aConcurrentlyBuiltIndexWhoseBuildFailedIsBuiltAgainAtTheServicesNextStart() throws Exception {
        TestDatabase database = FAILED_BUILD.database();
        String location = "migration-tests/concurrent-index";
        asTheService(database, "migrating", location).target("1").load().migrate();
        try (Connection writer = database.dataSource().getConnection()) {
            // An open write the build waits for; the migration's lock_timeout ends that wait: the build fails.
            writer.setAutoCommit(false);
            try (Statement statement = writer.createStatement()) {
                statement.executeUpdate("INSERT INTO appended (team) VALUES ('held-open')");
            }
            FluentConfiguration bounded = asTheService(database, "migrating", location);
            ((PGSimpleDataSource) bounded.getDataSource()).setOptions("-c lock_timeout=1000");
            assertThatThrownBy(() -> bounded.load().migrate()).isInstanceOf(FlywayException.class);
            writer.rollback();
        }
        // Flyway 10.22 recorded the failed run of a script outside a transaction: its validate refuses every start.
        assertThat(database.strings("SELECT success::text FROM flyway_schema_history WHERE version = '2'"))
                .containsExactly("false");

        // The service's start path: the pool's check connection, then micronaut-flyway's migrate.
        try (ApplicationContext context = ApplicationContext.builder().singletons(new PlainTextWebhookFormat())
                .properties(Map.of("datasources.default.url", database.url(),
                        "datasources.default.username", database.user(),
                        "datasources.default.password", database.password(),
                        "datasources.default.dialect", "POSTGRES",
                        "flyway.datasources.default.enabled", true,
                        "flyway.datasources.default.locations", "classpath:" + location,
                        // The test's V1..V2 are "older" than the real previous release.
                        UpgradeFromThePreviousRelease.ALLOW_SKIPPING_RELEASES, "true")).start()) {
            assertThat(database.strings("SELECT version || ' ' || success FROM flyway_schema_history "
                    + "WHERE version IS NOT NULL ORDER BY installed_rank")).containsExactly("1 true", "2 true");
        }
        assertThat(database.strings("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'appended_by_team'::regclass"))
                .containsExactly("true");
    }

    @Test
    void twoInstancesMigratingAtOnceAreSerialisedWithTheSessionLevelLock() throws Exception {
        TestDatabase database = TWO_INSTANCES.database();
        // In a schema of their own: Flyway migrates only an empty public schema without a history.
        database.execute("CREATE SCHEMA test_gate; CREATE TABLE test_gate.migration_gate (id int); "
                + "CREATE TABLE test_gate.migration_runs (ran boolean NOT NULL)");
        try (Connection gate = database.dataSource().getConnection();
             Connection watcher = database.dataSource().getConnection()) {
            gate.setAutoCommit(false);
            try (Statement statement = gate.createStatement()) {
                statement.execute("LOCK TABLE test_gate.migration_gate IN ACCESS EXCLUSIVE MODE");
            }
            Future<MigrateResult> first = migrations.submit(
                    () -> asTheService(database, "first", "migration-tests/serialised").load().migrate());
            awaitTrue(() -> waitingForTheGate(watcher, "first"), first);
            Future<MigrateResult> second = migrations.submit(
                    () -> asTheService(database, "second", "migration-tests/serialised").load().migrate());
            // The second has asked for Flyway's lock while the first holds it, mid-migration.
            awaitTrue(() -> askedForTheLock(watcher, "second"), second);
            assertThat(first.isDone()).isFalse();

            gate.commit();
            MigrateResult firstResult = first.get(60, TimeUnit.SECONDS);
            MigrateResult secondResult = second.get(60, TimeUnit.SECONDS);
            assertThat(firstResult.migrationsExecuted).isEqualTo(1);
            assertThat(secondResult.success).isTrue();
            assertThat(secondResult.migrationsExecuted).isZero();
        }
        assertThat(database.strings("SELECT count(*)::text FROM test_gate.migration_runs")).containsExactly("1");
        assertThat(database.strings("SELECT version || ' ' || success FROM flyway_schema_history WHERE version IS NOT NULL"))
                .containsExactly("1 true");
    }

    @Test
    void theServiceTheSchemaOwnerAndTheTestsTakeFlywaysLockOnASessionNotInATransaction() {
        TestDatabase database = CONCURRENT_INDEX.database();
        try (ApplicationContext context = ApplicationContext.builder().singletons(new PlainTextWebhookFormat())
                .properties(Map.of("datasources.default.url", database.url(),
                        "datasources.default.username", database.user(),
                        "datasources.default.password", database.password(),
                        "datasources.default.dialect", "POSTGRES",
                        "flyway.datasources.default.enabled", false)).start()) {
            for (String configuration : List.of(MigrationSessionsWithoutTheIdleBound.DATA_SOURCE,
                    OwnerMigrationSessionsBounded.CONFIGURATION)) {
                FluentConfiguration flyway = Flyway.configure();
                assertThat(transactionalLock(flyway)).as("Flyway's default").isTrue();
                context.getBean(FlywayConfigurationCustomizer.class, Qualifiers.byName(configuration))
                        .customizeFluentConfiguration(flyway);
                assertThat(transactionalLock(flyway)).as(configuration).isFalse();
            }
        }
        assertThat(transactionalLock(TestFlyway.configure())).as("the tests' own runs").isFalse();
    }

    private static boolean transactionalLock(FluentConfiguration flyway) {
        return flyway.getPluginRegister().getPlugin(PostgreSQLConfigurationExtension.class).isTransactionalLock();
    }

    /** Flyway as the service configures its lock, over {@code location}, its sessions named {@code instance}. */
    private static FluentConfiguration asTheService(TestDatabase database, String instance, String location) {
        PGSimpleDataSource sessions = new PGSimpleDataSource();
        sessions.setURL(database.url());
        sessions.setUser(database.user());
        sessions.setPassword(database.password());
        sessions.setApplicationName(instance);
        return FlywaySessionLevelLock.applyTo(Flyway.configure()).dataSource(sessions).locations("classpath:" + location);
    }

    private static boolean buildUnderWay(Connection watcher) throws SQLException {
        return exists(watcher, "SELECT 1 FROM pg_stat_progress_create_index p JOIN pg_class c ON c.oid = p.relid "
                + "WHERE c.relname = 'appended' AND p.command = 'CREATE INDEX CONCURRENTLY'");
    }

    private static boolean waitingForTheGate(Connection watcher, String instance) throws SQLException {
        return exists(watcher, "SELECT 1 FROM pg_stat_activity WHERE application_name = '" + instance
                + "' AND wait_event_type = 'Lock' AND query LIKE '%migration_gate%'");
    }

    private static boolean askedForTheLock(Connection watcher, String instance) throws SQLException {
        return exists(watcher, "SELECT 1 FROM pg_stat_activity WHERE application_name = '" + instance
                + "' AND query LIKE '%pg_try_advisory_lock%'");
    }

    private static boolean exists(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
            return rows.next();
        }
    }

    /** Polls {@code condition} until it holds; fails at once if {@code running} ended first (it would never hold). */
    private static void awaitTrue(SqlCondition condition, Future<?> running) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.holds()) {
            if (running.isDone()) {
                running.get();
                throw new AssertionError("the migration ended before the awaited state was seen");
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the awaited state was not seen within 60 s");
            }
            Thread.sleep(20);
        }
    }

    @FunctionalInterface
    private interface SqlCondition {
        boolean holds() throws SQLException;
    }
}
