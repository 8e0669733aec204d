package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.PostgresServer;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
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
    static final FreshDatabase CURRENT = FreshDatabase.migrated();

    @Test
    void theSchemasVersionIsTheNewestAppliedMigrationAndAnEmptyDatabaseHasNone() throws Exception {
        TestDatabase empty = EMPTY.database();
        try (Connection connection = empty.dataSource().getConnection()) {
            assertThat(UpgradeFromThePreviousRelease.schemaVersion(connection)).isEmpty();
            assertThatCode(() -> UpgradeFromThePreviousRelease.require(connection, "74", false))
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
