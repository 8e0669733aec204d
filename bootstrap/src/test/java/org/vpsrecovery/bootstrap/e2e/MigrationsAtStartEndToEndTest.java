package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.micronaut.flyway.FlywayConfigurationProperties;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.persistence.UpgradeFromThePreviousRelease;
import org.vpsrecovery.adapters.persistence.testing.PostgresServer;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.bootstrap.Application;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * Flyway's migrate at start (ADR 0086): left out when the database already holds exactly the build's
 * migrations; a pending migration is still applied before the first request is served; a failed or edited
 * history still stops the start. A schema from before the previous release is refused unless the operator says so
 * (ADR 0142, amended in session 56); an empty one is installed.
 */
class MigrationsAtStartEndToEndTest {

    static VpsOrgSimulator simulator;
    private final List<TestDatabase> databases = new ArrayList<>();

    @BeforeAll
    static void startSimulator() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    @AfterEach
    void dropDatabases() {
        databases.forEach(TestDatabase::drop);
    }

    @Test
    void aCurrentSchemaStartsWithoutFlywaysMigrateAndIsReady() throws Exception {
        TestDatabase database = migrated(null);
        List<String> before = history(database);

        try (RunningPlatform platform = RunningPlatform.start(database, simulator, Map.of())) {
            assertThat(platform.context.findBean(Flyway.class, Qualifiers.byName("default"))).isEmpty();
            assertThat(platform.context.getBean(FlywayConfigurationProperties.class, Qualifiers.byName("default"))
                    .isEnabled()).isFalse();
            assertThat(platform.send("GET", "/api/v1/snapshots/?server_id=12345", RunningPlatform.DEMO_TOKEN, null)
                    .status()).isEqualTo(200);
            assertThat(readiness(platform)).contains("\"migrations\":\"applied\"");
        }
        assertThat(history(database)).isEqualTo(before);
    }

    @Test
    void aDatabaseOfThePreviousReleaseIsMigratedBeforeTheFirstRequest() throws Exception {
        // The oldest schema this release upgrades from (ADR 0142, amended in session 56): V76; V77 is this release's.
        TestDatabase database = migrated(UpgradeFromThePreviousRelease.UPGRADES_FROM);
        assertThat(history(database)).doesNotContain("77 true");
        // The start says it migrates, how far, and how long it took (ADR 0086, amended in session 50): Flyway's own lines
        // are left out at WARN. The tests' logging takes WARN and above; the service's, INFO.
        ch.qos.logback.classic.Logger startLines = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("org.vpsrecovery.adapters.persistence.MigrateOnlyWhenBehind");
        startLines.setLevel(ch.qos.logback.classic.Level.INFO);
        String newest = org.vpsrecovery.adapters.persistence.BuildMigrations
                .read(getClass().getClassLoader()).newestVersion();

        try (RootLogLines captured = RootLogLines.capture();
             RunningPlatform platform = RunningPlatform.start(database, simulator, Map.of())) {
            startLines.setLevel(null);
            assertThat(captured.events().stream().filter(e -> e.getLoggerName().endsWith(".MigrateOnlyWhenBehind"))
                    .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList())
                    .anySatisfy(line -> assertThat(line).matches("Migrating the schema: [1-9][0-9]* of this build's "
                            + "[0-9]+ migrations pending, target V" + java.util.regex.Pattern.quote(newest) + ";.*"))
                    .anySatisfy(line -> assertThat(line).matches("Migrated the schema in [0-9]+ ms"));
            // Applied while the context started, before the server took a request.
            assertThat(history(database)).contains("77 true", newest + " true");
            assertThat(platform.context.findBean(Flyway.class, Qualifiers.byName("default"))).isPresent();
            assertThat(platform.send("GET", "/api/v1/snapshots/?server_id=12345", RunningPlatform.DEMO_TOKEN, null)
                    .status()).isEqualTo(200);
            assertThat(readiness(platform)).contains("\"migrations\":\"applied\"");
        }
    }

    @Test
    void aSchemaFromBeforeThePreviousReleaseIsRefusedBeforeAnythingIsMigrated() throws Exception {
        TestDatabase database = migrated("60");
        List<String> before = history(database);

        Throwable failure = catchThrowable(() -> RunningPlatform.start(database, simulator, Map.of()).close());

        assertThat(failure).isNotNull();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Application.sayWhyNotStarted(failure, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("vps-recovery cannot start: the database's schema is at V60, but this release upgrades from V"
                        + UpgradeFromThePreviousRelease.UPGRADES_FROM + " or later (the previous release's last "
                        + "migration): upgrade through the releases in between, one at a time")
                .contains("vpsr.migration.allow-skipping-releases=true (VPSR_MIGRATION_ALLOW_SKIPPING_RELEASES=true)")
                .doesNotContain("\tat ");
        assertThat(history(database)).as("nothing migrated").isEqualTo(before);
    }

    @Test
    void theOperatorsOverrideMigratesASchemaFromBeforeThePreviousRelease() throws Exception {
        TestDatabase database = migrated("60");
        String newest = org.vpsrecovery.adapters.persistence.BuildMigrations
                .read(getClass().getClassLoader()).newestVersion();

        try (RunningPlatform platform = RunningPlatform.start(database, simulator,
                Map.of(UpgradeFromThePreviousRelease.ALLOW_SKIPPING_RELEASES, "true"))) {
            assertThat(history(database)).contains("61 true", newest + " true");
            assertThat(readiness(platform)).contains("\"migrations\":\"applied\"");
        }
    }

    @Test
    void anEmptyDatabaseIsInstalledNotRefused() throws Exception {
        TestDatabase database = PostgresServer.shared().createDatabase();
        databases.add(database);
        String newest = org.vpsrecovery.adapters.persistence.BuildMigrations
                .read(getClass().getClassLoader()).newestVersion();

        try (RunningPlatform platform = RunningPlatform.start(database, simulator, Map.of())) {
            assertThat(history(database)).contains("1 true", newest + " true");
        }
    }

    @Test
    void aFailedMigrationInTheHistoryStillStopsTheStart() throws Exception {
        TestDatabase database = migrated(null);
        database.execute("UPDATE flyway_schema_history SET success = false WHERE version = '43'");

        assertThatThrownBy(() -> RunningPlatform.start(database, simulator, Map.of()).close())
                .hasStackTraceContaining("failed migration");
    }

    @Test
    void anAppliedMigrationEditedSinceStillStopsTheStart() throws Exception {
        TestDatabase database = migrated(null);
        database.execute("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '12'");

        assertThatThrownBy(() -> RunningPlatform.start(database, simulator, Map.of()).close())
                .hasStackTraceContaining("checksum mismatch");
    }

    private TestDatabase migrated(String target) {
        TestDatabase database = PostgresServer.shared().createDatabase();
        databases.add(database);
        PostgresServer.migrateTo(database, target);
        return database;
    }

    private static List<String> history(TestDatabase database) throws Exception {
        return database.strings("SELECT version || ' ' || success || ' ' || installed_rank FROM flyway_schema_history "
                + "ORDER BY installed_rank").stream().map(row -> row.substring(0, row.lastIndexOf(' '))).toList();
    }

    private static String readiness(RunningPlatform platform) {
        return platform.send("GET", "/health/readiness", RunningPlatform.AUDITOR_TOKEN, null).raw().body();
    }
}
