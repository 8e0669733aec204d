package org.vpsrecovery.adapters.persistence;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.jdbc.DataSourceResolver;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses, at every start, a database whose server is older than PostgreSQL 17 (ADR 0102, amended in session 43).
 * Migration V64 refuses it only when it runs: a database migrated on 17 and later restored onto, or pointed at, a 16
 * server has nothing pending, so the start went on and every append that waits for the WAL's flush was committed, then
 * reported failed. This runs as each data source is made, before Flyway's runner and before any request, over one
 * connection of the pool (open by then): one round trip a start. The refusal fails the start (exit status 2) with V64's
 * message. A check that cannot run (the database not answering) refuses nothing here: Flyway, or the first use, says
 * what is wrong, as before.
 */
@Singleton
public final class PostgresVersionAtStart implements BeanCreatedEventListener<DataSource>, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresVersionAtStart.class);

    private final DataSourceResolver resolver;
    private final int oldestSupported;

    @Inject
    public PostgresVersionAtStart(@Nullable DataSourceResolver resolver) {
        this(resolver, PostgresServerVersion.OLDEST_SUPPORTED);
    }

    /** As the service's, with another oldest server ({@code server_version_num}): a test's, above its own server. */
    PostgresVersionAtStart(@Nullable DataSourceResolver resolver, int oldestSupported) {
        this.resolver = resolver != null ? resolver : DataSourceResolver.DEFAULT;
        this.oldestSupported = oldestSupported;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public DataSource onCreated(BeanCreatedEvent<DataSource> event) {
        PostgresServerVersion version;
        try (Connection connection = resolver.resolve(event.getBean()).getConnection()) {
            version = PostgresServerVersion.of(connection);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("Could not read the database server's version at the start ({}); not checked", e.toString());
            return event.getBean();
        }
        version.requireAtLeast(oldestSupported);
        return event.getBean();
    }
}
