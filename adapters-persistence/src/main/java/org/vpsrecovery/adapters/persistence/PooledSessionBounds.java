package org.vpsrecovery.adapters.persistence;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Gives every pooled session the {@link SessionBounds} (ADR 0023, amended in session 39) before its pool is made: the
 * configured keys become pgjdbc's {@code options}, beside any the operator set, in the data source's properties or in
 * the database URL (amended in session 40). Invalid values refuse the start, the key named.
 */
@Singleton
final class PooledSessionBounds implements BeanCreatedEventListener<DatasourceConfiguration> {

    /** pgjdbc's connection property sent as the startup packet's options. */
    static final String OPTIONS = "options";

    private final SessionBounds bounds;

    PooledSessionBounds(@Value("${" + SessionBounds.LOCK_TIMEOUT + ":10s}") Duration lockTimeout,
                        @Value("${" + SessionBounds.IDLE_IN_TRANSACTION_TIMEOUT + ":60s}") Duration idleInTransaction,
                        @Value("${" + SessionBounds.KEEPALIVE_IDLE + ":30s}") Duration keepaliveIdle) {
        this.bounds = new SessionBounds(lockTimeout, idleInTransaction, keepaliveIdle);
    }

    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        DatasourceConfiguration configuration = event.getBean();
        // pgjdbc lets the URL's options replace this property whole, bounds and all: they move out of the URL and
        // after the property's, so that every setting applies and the URL's still win where they name the same one.
        String url = configuration.getJdbcUrl();
        String fromTheUrl = DatabaseUrlOptions.of(url);
        if (fromTheUrl != null) {
            configuration.setJdbcUrl(DatabaseUrlOptions.without(url));
        }
        String operators = DatabaseUrlOptions.joined(configuration.getDataSourceProperties().getProperty(OPTIONS),
                fromTheUrl);
        configuration.addDataSourceProperty(OPTIONS, bounds.mergedInto(operators));
        return configuration;
    }
}
