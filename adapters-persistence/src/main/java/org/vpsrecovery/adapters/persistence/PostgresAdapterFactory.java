package org.vpsrecovery.adapters.persistence;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.IdempotencyRecords;
import org.vpsrecovery.domain.port.ServerLock;

/**
 * Micronaut beans for the PostgreSQL adapters over the default DataSource (micronaut-jdbc-hikari,
 * {@code datasources.default.*}). The adapters themselves are plain classes taking a DataSource, so
 * tests and other wiring can build them without a context.
 */
@Factory
@Requires(beans = DataSource.class)
public class PostgresAdapterFactory {

    @Singleton
    AuditHistory auditHistory(DataSource dataSource) {
        return new JdbcAuditHistory(dataSource);
    }

    /**
     * Lock connections are capped below the pool's size, so the audit appends and reads a locked
     * request makes always find a connection (ADR 0023 gives the sizing).
     */
    @Singleton
    ServerLock serverLock(DataSource dataSource,
                          @Value("${vpsr.server-lock.max-wait:5s}") Duration maxWait,
                          @Value("${vpsr.server-lock.max-waiters-per-server:16}") int maxWaitersPerServer,
                          @Value("${vpsr.server-lock.max-connections:0}") int maxConnections,
                          @Value("${datasources.default.maximum-pool-size:10}") int poolSize) {
        int lockConnections = maxConnections > 0 ? maxConnections : Math.max(1, poolSize - RESERVED_CONNECTIONS);
        return new PgServerLock(dataSource, maxWait, maxWaitersPerServer, lockConnections);
    }

    /** Kept out of the lock budget: one for the audit writer, the rest for reads, idempotency and health. */
    static final int RESERVED_CONNECTIONS = 6;

    /** Reads "now" from the application's Clock bean when there is one, so tests can move time. */
    @Singleton
    IdempotencyRecords idempotencyRecords(DataSource dataSource, @Nullable Clock clock) {
        return new JdbcIdempotencyRecords(dataSource, clock == null ? Clock.systemUTC() : clock);
    }
}
