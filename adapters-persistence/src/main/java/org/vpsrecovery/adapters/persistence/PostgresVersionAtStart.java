package org.vpsrecovery.adapters.persistence;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.flyway.event.MigrationFinishedEvent;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses, at every start, a database whose server is older than PostgreSQL 17 (ADR 0102, amended in sessions 43 and
 * 44). Migration V64 refuses it only when it runs: a database migrated on 17 and later restored onto, or pointed at, a
 * 16 server has nothing pending, so the start went on and every append that waits for the WAL's flush was committed,
 * then reported failed. This runs as each data source is made, first (before micronaut-flyway's runner and before any
 * request), over one connection of the pool (open by then), and reads the version the server reported when that
 * connection was opened: no round trip. The same connection then serves the start's schema check
 * ({@link MigrateOnlyWhenBehind}, ADR 0086), which therefore runs only on a server that passed: the start takes one
 * connection from the pool for both. The refusal fails the start (exit status 2) with V64's message. A check that
 * cannot run (the database not answering) refuses nothing here: Flyway, or the first use, says what is wrong, as
 * before. A migration owner of its own ({@code VPSR_MIGRATION_USER}) is checked before it migrates by
 * {@link PostgresVersionBeforeOwnerMigration}. Since session 56 the same connection also refuses a schema older than
 * the previous release's last migration ({@link UpgradeFromThePreviousRelease}, ADR 0142) before Flyway may migrate.
 */
@Singleton
public final class PostgresVersionAtStart implements BeanCreatedEventListener<DataSource>, Ordered,
        ApplicationEventListener<MigrationFinishedEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresVersionAtStart.class);

    private final DataSourceResolver resolver;
    private final int oldestSupported;
    private final boolean allowSkippingReleases;
    /** When the start handed the schema to Flyway's migrate ({@link System#nanoTime()}); 0: it did not (session 50). */
    private volatile long migratingSince;

    @Inject
    public PostgresVersionAtStart(@Nullable DataSourceResolver resolver,
            @Value("${" + UpgradeFromThePreviousRelease.ALLOW_SKIPPING_RELEASES + ":false}") String allowSkippingReleases) {
        this(resolver, PostgresServerVersion.OLDEST_SUPPORTED,
                UpgradeFromThePreviousRelease.allowSkipping(allowSkippingReleases));
    }

    /** As the service's, with another oldest server ({@code server_version_num}): a test's, above its own server. */
    PostgresVersionAtStart(@Nullable DataSourceResolver resolver, int oldestSupported) {
        this(resolver, oldestSupported, false);
    }

    private PostgresVersionAtStart(@Nullable DataSourceResolver resolver, int oldestSupported,
            boolean allowSkippingReleases) {
        this.resolver = resolver != null ? resolver : DataSourceResolver.DEFAULT;
        this.oldestSupported = oldestSupported;
        this.allowSkippingReleases = allowSkippingReleases;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public DataSource onCreated(BeanCreatedEvent<DataSource> event) {
        Connection connection;
        try {
            connection = resolver.resolve(event.getBean()).getConnection();
        } catch (SQLException | RuntimeException e) {
            // Neither check can run. Flyway, if it runs, then says what is wrong.
            notChecked(e);
            MigrateOnlyWhenBehind.migratingThroughThePool(event).ifPresent(flyway -> MigrateOnlyWhenBehind.notCompared(e));
            return event.getBean();
        }
        try (connection) {
            requireSupported(connection);
            // Looked up after the check: a Flyway configuration with a database of its own migrates as it is made.
            MigrateOnlyWhenBehind.migratingThroughThePool(event).ifPresent(flyway -> {
                // Before Flyway may migrate: a schema from before the previous release is refused (session 56).
                // Under Flyway's lock, a failed run outside a transaction is made to run again first.
                UpgradeFromThePreviousRelease.beforeFlywayMigrates(connection,
                        List.of(flyway.getFluentConfiguration().getLocations()),
                        UpgradeFromThePreviousRelease.UPGRADES_FROM, allowSkippingReleases);
                if (MigrateOnlyWhenBehind.skipIfCurrent(flyway, connection, event.getSource())) {
                    migratingSince = System.nanoTime();
                }
            });
        } catch (SQLException e) {
            // Only the connection's return to the pool failed; what was checked stands.
            LOG.info("Could not return the start's connection to the pool ({})", e.toString());
        }
        return event.getBean();
    }

    /** Flyway's migrate ended (or the skip above said it was not needed): how long it took, if it ran. */
    @Override
    public void onApplicationEvent(MigrationFinishedEvent event) {
        long since = migratingSince;
        if (since != 0) {
            migratingSince = 0;
            MigrateOnlyWhenBehind.migrated(java.time.Duration.ofNanos(System.nanoTime() - since));
        }
    }

    private void requireSupported(Connection connection) {
        PostgresServerVersion version;
        try {
            version = PostgresServerVersion.of(connection);
        } catch (SQLException | RuntimeException e) {
            notChecked(e);
            return;
        }
        version.requireAtLeast(oldestSupported);
    }

    private static void notChecked(Exception e) {
        LOG.warn("Could not read the database server's version at the start ({}); not checked", e.toString());
    }
}
