package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.persistence.testing.PostgresServer;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;

/** When the start may leave Flyway's migrate out (ADR 0086): only a history that is exactly the build's migrations. */
class BuildMigrationsTest {

    private final List<TestDatabase> databases = new ArrayList<>();

    @AfterEach
    void dropDatabases() {
        databases.forEach(TestDatabase::drop);
    }

    @Test
    void theBuildListsEveryFileOfTheMigrationDirectoryAndTheyAreReadInFlywaysOrder() throws Exception {
        List<String> files;
        try (Stream<Path> directory = Files.list(Path.of(resource(BuildMigrations.LOCATION)))) {
            files = directory.map(path -> path.getFileName().toString())
                    .sorted(Comparator.comparing(name -> MigrationVersion.fromVersion(name.substring(1, name.indexOf("__")))))
                    .toList();
        }
        List<String> listed = Files.readAllLines(Path.of(resource(BuildMigrations.LIST))).stream()
                .filter(line -> !line.isBlank()).toList();

        assertThat(listed).as("the list the build made from db/migration").containsExactlyInAnyOrderElementsOf(files);
        assertThat(BuildMigrations.read(getClass().getClassLoader()).migrations())
                .extracting(BuildMigrations.Migration::script)
                .containsExactlyElementsOf(files);
    }

    @Test
    void versionsCompareAsFlywayComparesThem() {
        List<String> versions = List.of("1", "2", "10", "1.1", "1.10", "1.2", "2.0.1", "02", "100", "9.9.9");
        for (String left : versions) {
            for (String right : versions) {
                assertThat(Integer.signum(BuildMigrations.compareVersions(left, right)))
                        .as(left + " against " + right)
                        .isEqualTo(Integer.signum(MigrationVersion.fromVersion(left).compareTo(MigrationVersion.fromVersion(right))));
            }
        }
    }

    @Test
    void aDatabaseFlywayMigratedHoldsExactlyTheBuildsMigrationsWithFlywaysChecksums() throws Exception {
        TestDatabase database = empty();
        migrate(database, null);
        BuildMigrations build = build();

        assertThat(current(database, build)).isTrue();
        // The checksums are Flyway's own, file by file.
        List<String> flyways = database.strings("SELECT script || ' ' || checksum FROM flyway_schema_history ORDER BY installed_rank");
        assertThat(build.migrations().stream().map(m -> m.script() + " " + m.checksum()).toList())
                .containsExactlyElementsOf(flyways);
        assertThat(build.newestVersion()).isEqualTo(flyways.getLast().substring(1, flyways.getLast().indexOf("__")));
    }

    @Test
    void anEmptyDatabaseIsNotCurrent() throws Exception {
        assertThat(current(empty(), build())).isFalse();
    }

    @Test
    void aDatabaseOneMigrationBehindIsNotCurrent() throws Exception {
        TestDatabase database = empty();
        migrate(database, "41");

        assertThat(current(database, build())).isFalse();
    }

    @Test
    void aFailedMigrationInTheHistoryIsNotCurrent() throws Exception {
        TestDatabase database = empty();
        migrate(database, null);
        database.execute("UPDATE flyway_schema_history SET success = false WHERE version = '43'");

        assertThat(current(database, build())).isFalse();
    }

    @Test
    void anAppliedMigrationEditedSinceIsNotCurrent() throws Exception {
        TestDatabase database = empty();
        migrate(database, null);
        database.execute("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '12'");

        assertThat(current(database, build())).isFalse();
    }

    @Test
    void aDatabaseAheadOfTheBuildIsNotCurrent() throws Exception {
        TestDatabase database = empty();
        migrate(database, null);
        database.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, "
                + "installed_by, execution_time, success) SELECT max(installed_rank) + 1, '44', 'from a newer build', 'SQL', "
                + "'V44__from_a_newer_build.sql', 1, current_user, 1, true FROM flyway_schema_history");

        assertThat(current(database, build())).isFalse();
    }

    private TestDatabase empty() {
        TestDatabase database = PostgresServer.shared().createDatabase();
        databases.add(database);
        return database;
    }

    private static void migrate(TestDatabase database, String target) {
        PostgresServer.migrateTo(database, target);
    }

    private static BuildMigrations build() throws Exception {
        return BuildMigrations.read(BuildMigrationsTest.class.getClassLoader());
    }

    private static boolean current(TestDatabase database, BuildMigrations build) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            return build.appliedExactlyIn(connection);
        }
    }

    private static String resource(String name) throws URISyntaxException {
        return Path.of(BuildMigrationsTest.class.getClassLoader().getResource(name).toURI()).toString();
    }
}
