package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;

class SchemaAtStartTest {

    @RegisterExtension
    static final FreshDatabase MIGRATED = FreshDatabase.migrated();

    @RegisterExtension
    static final FreshDatabase EMPTY = FreshDatabase.empty();

    @Test
    void aSchemaWithEveryMigrationOfTheJarAppliedSkipsFlywayAtStartAndIsValidatedLater() {
        Map<String, Object> settings = SchemaAtStart.flywaySettings(properties(MIGRATED.database()));

        assertThat(settings).containsEntry("flyway.datasources.default.enabled", false)
                .containsEntry("flyway.datasources.owner.enabled", false)
                .containsEntry(SchemaAtStart.CURRENT, true)
                .containsEntry(SchemaAtStart.URL, MIGRATED.database().url())
                .containsEntry(SchemaAtStart.USER, MIGRATED.database().user());
        // The same migrations Flyway finds for itself.
        assertThat(SchemaAtStart.versionsIn(getClass().getClassLoader())).contains(Arrays.stream(
                Flyway.configure().dataSource(MIGRATED.dataSource()).load().info().all())
                .map(MigrationInfo::getVersion).collect(Collectors.toSet()));
    }

    @Test
    void anEmptyDatabaseLeavesFlywayToMigrate() {
        assertThat(SchemaAtStart.flywaySettings(properties(EMPTY.database()))).isEmpty();
    }

    @Test
    void aMigrationNotYetAppliedLeavesFlywayToMigrate() throws SQLException {
        TestDatabase behind = MIGRATED.anotherMigrated();
        try (Connection connection = behind.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM flyway_schema_history WHERE version = '33'");
        }

        assertThat(SchemaAtStart.flywaySettings(properties(behind))).isEmpty();
    }

    @Test
    void aFailedMigrationLeavesFlywayToReportIt() throws SQLException {
        TestDatabase failed = MIGRATED.anotherMigrated();
        try (Connection connection = failed.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("UPDATE flyway_schema_history SET success = false WHERE version = '33'");
        }

        assertThat(SchemaAtStart.flywaySettings(properties(failed))).isEmpty();
    }

    @Test
    void aDatabaseThatDoesNotAnswerLeavesFlywayToFailAsBefore() {
        Map<String, Object> properties = properties(MIGRATED.database());
        properties.put("datasources.default.url", "jdbc:postgresql://127.0.0.1:1/none");

        assertThat(SchemaAtStart.flywaySettings(properties)).isEmpty();
    }

    @Test
    void theOwnersLoginIsTheOneAsked() {
        Map<String, Object> properties = properties(MIGRATED.database());
        properties.put("datasources.default.username", "nobody");
        properties.put("flyway.datasources.default.enabled", false);
        properties.put("flyway.datasources.owner.enabled", true);
        properties.put("flyway.datasources.owner.url", MIGRATED.database().url());
        properties.put("flyway.datasources.owner.user", MIGRATED.database().user());
        properties.put("flyway.datasources.owner.password", MIGRATED.database().password());

        assertThat(SchemaAtStart.flywaySettings(properties)).containsEntry(SchemaAtStart.CURRENT, true)
                .containsEntry(SchemaAtStart.USER, MIGRATED.database().user());
    }

    private static Map<String, Object> properties(TestDatabase database) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", database.url());
        properties.put("datasources.default.username", database.user());
        properties.put("datasources.default.password", database.password());
        return properties;
    }
}
