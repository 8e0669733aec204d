package org.vpsrecovery.adapters.persistence;

import io.micronaut.context.BeanContext;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.core.naming.NameResolver;
import io.micronaut.flyway.FlywayConfigurationProperties;
import io.micronaut.flyway.event.MigrationFinishedEvent;
import io.micronaut.inject.qualifiers.Qualifiers;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leaves Flyway's migrate out of a start whose database already holds exactly this build's migrations
 * (ADR 0086): ~300 classes and Flyway's configuration, scan and validation per start. It runs as the data
 * source is made, before micronaut-flyway's runner, over the connection of the pool that
 * {@link PostgresVersionAtStart} took and checked the server's version on (ADR 0102, amended in session 44): one
 * connection for both, and a schema on a server too old is never looked at. When the history is current, that data
 * source's Flyway configuration is switched off for this start and {@link MigrationFinishedEvent} is published, as a
 * migration would (readiness waits for it). Anything else (a pending, failed or edited migration, no history, a check
 * that failed) leaves Flyway to migrate or refuse before requests are served, as before. A Flyway configuration with a
 * database of its own (the schema owner's login, {@code VPSR_MIGRATION_USER}) is left to Flyway.
 */
final class MigrateOnlyWhenBehind {

    private static final Logger LOG = LoggerFactory.getLogger(MigrateOnlyWhenBehind.class);

    private MigrateOnlyWhenBehind() {
    }

    /** The enabled Flyway configuration that migrates {@code event}'s data source through the pool, if there is one. */
    static Optional<FlywayConfigurationProperties> migratingThroughThePool(BeanCreatedEvent<DataSource> event) {
        if (!(event.getBeanDefinition() instanceof NameResolver named)) {
            return Optional.empty();
        }
        return named.resolveName()
                .flatMap(name -> event.getSource().findBean(FlywayConfigurationProperties.class, Qualifiers.byName(name)))
                .filter(flyway -> flyway.isEnabled() && !flyway.hasAlternativeDatabaseConfiguration());
    }

    /**
     * Switches {@code flyway} off for this start when {@code connection}'s schema history is this build's; otherwise says
     * how many migrations Flyway is about to apply, and to which version (Flyway's own lines are left out at WARN,
     * {@code ServiceLogging}), and returns true: Flyway migrates (ADR 0086, amended in session 50).
     */
    static boolean skipIfCurrent(FlywayConfigurationProperties flyway, Connection connection, BeanContext context) {
        Optional<BuildMigrations> current = Optional.empty();
        try {
            BuildMigrations build = BuildMigrations.read(MigrateOnlyWhenBehind.class.getClassLoader());
            if (build.appliedExactlyIn(connection)) {
                current = Optional.of(build);
            } else {
                LOG.info("Migrating the schema: {} of this build's {} migrations pending, target V{}; Flyway migrates "
                        + "before the first request is served", build.pendingIn(connection), build.count(),
                        build.newestVersion());
            }
        } catch (IOException | SQLException | RuntimeException e) {
            notCompared(e);
        }
        current.ifPresent(build -> {
            flyway.setEnabled(false);
            LOG.info("The schema history holds this build's {} migrations (newest V{}): Flyway's migrate is not needed",
                    build.count(), build.newestVersion());
            context.publishEvent(new MigrationFinishedEvent(flyway));
        });
        return current.isEmpty();
    }

    /** The line after Flyway's migrate (ADR 0086, amended in session 50). */
    static void migrated(java.time.Duration took) {
        LOG.info("Migrated the schema in {} ms", took.toMillis());
    }

    /** The history could not be read: Flyway then runs as before and says what is wrong, if anything is. */
    static void notCompared(Exception e) {
        LOG.info("Could not compare the schema history with this build's migrations ({}); Flyway migrates", e.toString());
    }
}
