package org.vpsrecovery.adapters.persistence;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.order.Ordered;
import io.micronaut.flyway.FlywayConfigurationProperties;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL 17 or newer before a migration owner of its own migrates anything (ADR 0102, amended in session 44).
 * With {@code VPSR_MIGRATION_USER}, Flyway migrates as that login over a connection of its own, as its configuration is
 * made (micronaut-flyway's {@code AlternativeMigrationRunner}, a listener on that configuration), and nothing orders
 * that before the pool, where {@link PostgresVersionAtStart} checks: both are made eagerly, in no order of ours. This
 * listener runs first on such a configuration and refuses, in V64's words, a server older than 17 before Flyway
 * migrates it, over one connection of the owner's (the server Flyway would migrate), opened and closed here: a
 * migration written for 17 never runs part-way on 16. A check that cannot run (no connection) refuses nothing: Flyway
 * then says what is wrong, as before. A configuration migrating through the pool is left to
 * {@link PostgresVersionAtStart}. Since session 56 the same connection also refuses a schema older than the previous
 * release's last migration ({@link UpgradeFromThePreviousRelease}, ADR 0142).
 */
@Singleton
public final class PostgresVersionBeforeOwnerMigration
        implements BeanCreatedEventListener<FlywayConfigurationProperties>, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresVersionBeforeOwnerMigration.class);

    private final int oldestSupported;
    private final boolean allowSkippingReleases;

    @Inject
    public PostgresVersionBeforeOwnerMigration(
            @Value("${" + UpgradeFromThePreviousRelease.ALLOW_SKIPPING_RELEASES + ":false}") String allowSkippingReleases) {
        this(PostgresServerVersion.OLDEST_SUPPORTED,
                UpgradeFromThePreviousRelease.allowSkipping(allowSkippingReleases));
    }

    /** As the service's, with another oldest server ({@code server_version_num}): a test's, above its own server. */
    PostgresVersionBeforeOwnerMigration(int oldestSupported) {
        this(oldestSupported, false);
    }

    private PostgresVersionBeforeOwnerMigration(int oldestSupported, boolean allowSkippingReleases) {
        this.oldestSupported = oldestSupported;
        this.allowSkippingReleases = allowSkippingReleases;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public FlywayConfigurationProperties onCreated(BeanCreatedEvent<FlywayConfigurationProperties> event) {
        FlywayConfigurationProperties flyway = event.getBean();
        if (!flyway.isEnabled() || !flyway.hasAlternativeDatabaseConfiguration()) {
            return flyway;
        }
        Connection connection;
        try {
            connection = asTheOwner(flyway).getConnection();
        } catch (SQLException | RuntimeException e) {
            notChecked(e);
            return flyway;
        }
        try (connection) {
            PostgresServerVersion version;
            try {
                version = PostgresServerVersion.of(connection);
            } catch (SQLException | RuntimeException e) {
                notChecked(e);
                return flyway;
            }
            version.requireAtLeast(oldestSupported);
            // Then, on the same connection, a schema from before the previous release (ADR 0142, session 56).
            // Under Flyway's lock, a failed run outside a transaction is made to run again first.
            UpgradeFromThePreviousRelease.beforeFlywayMigrates(connection,
                    List.of(flyway.getFluentConfiguration().getLocations()),
                    UpgradeFromThePreviousRelease.UPGRADES_FROM, allowSkippingReleases);
        } catch (SQLException e) {
            // Only the connection's close failed; what was checked stands.
            LOG.info("Could not close the owner's check connection ({})", e.toString());
        }
        return flyway;
    }

    private static void notChecked(Exception e) {
        LOG.warn("Could not read the database server's version before the migration owner's Flyway ({}); not checked",
                e.toString());
    }

    /** A connection as Flyway's own would be: the configuration's URL, login and password. */
    private static PGSimpleDataSource asTheOwner(FlywayConfigurationProperties flyway) {
        PGSimpleDataSource owner = new PGSimpleDataSource();
        owner.setURL(flyway.getUrl());
        owner.setUser(flyway.getUser());
        owner.setPassword(flyway.getPassword());
        return owner;
    }
}
