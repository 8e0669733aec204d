package org.vpsrecovery.adapters.persistence;

import io.micronaut.context.BeanContext;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.naming.NameResolver;
import io.micronaut.core.order.Ordered;
import io.micronaut.flyway.FlywayConfigurationProperties;
import io.micronaut.flyway.event.MigrationFinishedEvent;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Singleton;
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
 * source is made, before micronaut-flyway's runner (ordered first), over one connection of the pool, which
 * the pool has open by then. When the history is current, that data source's Flyway configuration is switched
 * off for this start and {@link MigrationFinishedEvent} is published, as a migration would (readiness waits for
 * it). Anything else (a pending, failed or edited migration, no history, a check that failed) leaves Flyway to
 * migrate or refuse before requests are served, as before. A Flyway configuration with a database of its own
 * (the schema owner's login, {@code VPSR_MIGRATION_USER}) is left to Flyway.
 */
@Singleton
public final class MigrateOnlyWhenBehind implements BeanCreatedEventListener<DataSource>, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(MigrateOnlyWhenBehind.class);

    private final BeanContext context;
    private final ApplicationEventPublisher<Object> events;
    private final DataSourceResolver resolver;

    public MigrateOnlyWhenBehind(BeanContext context, ApplicationEventPublisher<Object> events,
                                 @Nullable DataSourceResolver resolver) {
        this.context = context;
        this.events = events;
        this.resolver = resolver != null ? resolver : DataSourceResolver.DEFAULT;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public DataSource onCreated(BeanCreatedEvent<DataSource> event) {
        if (event.getBeanDefinition() instanceof NameResolver named) {
            named.resolveName()
                    .flatMap(name -> context.findBean(FlywayConfigurationProperties.class, Qualifiers.byName(name)))
                    .filter(flyway -> flyway.isEnabled() && !flyway.hasAlternativeDatabaseConfiguration())
                    .ifPresent(flyway -> skipIfCurrent(flyway, resolver.resolve(event.getBean())));
        }
        return event.getBean();
    }

    private void skipIfCurrent(FlywayConfigurationProperties flyway, DataSource dataSource) {
        Optional<BuildMigrations> current = Optional.empty();
        try {
            BuildMigrations build = BuildMigrations.read(MigrateOnlyWhenBehind.class.getClassLoader());
            try (Connection connection = dataSource.getConnection()) {
                if (build.appliedExactlyIn(connection)) {
                    current = Optional.of(build);
                }
            }
        } catch (IOException | SQLException | RuntimeException e) {
            // Flyway then runs as before and says what is wrong, if anything is.
            LOG.info("Could not compare the schema history with this build's migrations ({}); Flyway migrates", e.toString());
        }
        current.ifPresent(build -> {
            flyway.setEnabled(false);
            LOG.info("The schema history holds this build's {} migrations (newest V{}): Flyway's migrate is not needed",
                    build.count(), build.newestVersion());
            events.publishEvent(new MigrationFinishedEvent(flyway));
        });
    }
}
