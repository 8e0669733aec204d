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
 *
 * <p>And a bound on the client's own wait for the database's answer on every pooled connection (amended in session
 * 45): pgjdbc's {@code socketTimeout}, which Hikari takes as the pool's network timeout and puts back on every
 * connection returned. Without it a statement whose primary vanished after receiving it (a hard failover, no FIN) never
 * returned, holding its server lock's gate, a team's lock, its connections for good. The known long reads lift it on
 * their own connection ({@link ReadOnlySnapshot}); the migrations' own sessions go without it
 * ({@link MigrationSessionsWithoutTheIdleBound}).
 */
@Singleton
final class PooledSessionBounds implements BeanCreatedEventListener<DatasourceConfiguration> {

    /** pgjdbc's connection property sent as the startup packet's options. */
    static final String OPTIONS = "options";
    /** pgjdbc's connection property bounding every read of the socket, in whole seconds; 0 is none. */
    static final String SOCKET_TIMEOUT = "socketTimeout";
    /** The client's longest wait for any answer of the database on a pooled connection (session 45). */
    static final String NETWORK_TIMEOUT = "vpsr.database.network-timeout";

    private final SessionBounds bounds;
    private final long networkTimeoutSeconds;

    PooledSessionBounds(@Value("${" + SessionBounds.LOCK_TIMEOUT + ":10s}") Duration lockTimeout,
                        @Value("${" + SessionBounds.IDLE_IN_TRANSACTION_TIMEOUT + ":60s}") Duration idleInTransaction,
                        @Value("${" + SessionBounds.KEEPALIVE_IDLE + ":30s}") Duration keepaliveIdle,
                        @Value("${" + NETWORK_TIMEOUT + ":90s}") Duration networkTimeout) {
        this.bounds = new SessionBounds(lockTimeout, idleInTransaction, keepaliveIdle);
        this.networkTimeoutSeconds = networkTimeoutSeconds(networkTimeout, lockTimeout);
    }

    /**
     * Whole seconds (pgjdbc's unit), 1 s to 1 h, and above the lock timeout: the longest a request's statement waits by
     * design is a lock, which {@code lock_timeout} must end first (a typed "not granted", nothing done) rather than this
     * bound (a lost connection, the outcome of a write in doubt).
     */
    static long networkTimeoutSeconds(Duration networkTimeout, Duration lockTimeout) {
        if (networkTimeout == null || networkTimeout.compareTo(Duration.ofSeconds(1)) < 0
                || networkTimeout.compareTo(Duration.ofHours(1)) > 0 || networkTimeout.toNanos() % 1_000_000_000L != 0) {
            throw new IllegalArgumentException(NETWORK_TIMEOUT + " must be whole seconds, 1s to 1h, not " + networkTimeout);
        }
        if (networkTimeout.compareTo(lockTimeout) <= 0) {
            throw new IllegalArgumentException(NETWORK_TIMEOUT + " must be longer than " + SessionBounds.LOCK_TIMEOUT
                    + " (" + lockTimeout + "), not " + networkTimeout);
        }
        return networkTimeout.toSeconds();
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
        // An operator's own socketTimeout (the property; one in the URL wins over both, as pgjdbc reads it) is kept.
        configuration.getDataSourceProperties().putIfAbsent(SOCKET_TIMEOUT, String.valueOf(networkTimeoutSeconds));
        return configuration;
    }
}
