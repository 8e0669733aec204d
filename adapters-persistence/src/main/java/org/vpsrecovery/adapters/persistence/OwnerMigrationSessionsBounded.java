package org.vpsrecovery.adapters.persistence;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.ApplicationContext;
import io.micronaut.flyway.FlywayConfigurationCustomizer;
import io.micronaut.inject.qualifiers.Qualifiers;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The schema owner's migration ({@code VPSR_MIGRATION_USER}: Flyway's {@code owner} configuration, its own URL and
 * login) gets the pool's session bounds as the service's own migration does ({@link MigrationSessionsWithoutTheIdleBound}):
 * {@code lock_timeout} above all (ADR 0023, amended in session 55). Micronaut gave it a bare connection of that URL,
 * so a migration's statement without its own {@code SET LOCAL lock_timeout} queued without end behind a long
 * transaction, and every session needing the table queued behind it. The owner's URL, login and password stay its own;
 * the idle bound and the network timeout are lifted as for the service's migration.
 */
@Singleton
@Named(OwnerMigrationSessionsBounded.CONFIGURATION)
final class OwnerMigrationSessionsBounded implements FlywayConfigurationCustomizer {

    /** The Flyway configuration the deployment names for the owner's migration (bootstrap's Deployment). */
    static final String CONFIGURATION = "owner";

    private static final String PREFIX = "flyway.datasources." + CONFIGURATION + ".";

    private final ApplicationContext context;

    OwnerMigrationSessionsBounded(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public String getName() {
        return CONFIGURATION;
    }

    @Override
    public void customizeFluentConfiguration(FluentConfiguration flyway) {
        FlywaySessionLevelLock.applyTo(flyway);
        // Read from the settings, not from the configuration's bean: this runs while that bean is being created.
        Optional<String> url = context.getProperty(PREFIX + "url", String.class);
        if (url.isEmpty()) {
            return;
        }
        String user = context.getProperty(PREFIX + "user", String.class)
                .or(() -> context.getProperty(PREFIX + "username", String.class)).orElse(null);
        String password = context.getProperty(PREFIX + "password", String.class).orElse(null);
        context.findBean(DatasourceConfiguration.class, Qualifiers.byName(MigrationSessionsWithoutTheIdleBound.DATA_SOURCE))
                .ifPresent(pool -> flyway.dataSource(
                        MigrationSessionsWithoutTheIdleBound.migrationSessions(pool, url.get(), user, password)));
    }
}
