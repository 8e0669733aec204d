package org.vpsrecovery.adapters.persistence;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Primary;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import javax.sql.DataSource;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.adapters.persistence.change.PendingChangeRowRepository;
import org.vpsrecovery.adapters.persistence.change.PendingChangeRows;
import org.vpsrecovery.adapters.persistence.fairshare.PgFairShare;
import org.vpsrecovery.adapters.persistence.fairshare.PgSharedAllowances;
import org.vpsrecovery.domain.port.FairShare;
import org.vpsrecovery.adapters.persistence.session.PgSignInFormKey;
import org.vpsrecovery.adapters.persistence.session.PgSignInSessions;
import org.vpsrecovery.domain.port.SignInFormKey;
import org.vpsrecovery.domain.port.SignInSessions;
import org.vpsrecovery.adapters.persistence.webhook.DeliveryRowRepository;
import org.vpsrecovery.adapters.persistence.webhook.SubscriptionRowRepository;
import org.vpsrecovery.adapters.persistence.webhook.WebhookRows;
import org.vpsrecovery.adapters.persistence.drift.DriftRowRepository;
import org.vpsrecovery.adapters.persistence.drift.DriftRows;
import org.vpsrecovery.adapters.persistence.drift.SightingRowRepository;
import org.vpsrecovery.adapters.persistence.hold.HoldRowRepository;
import org.vpsrecovery.adapters.persistence.hold.HoldRows;
import org.vpsrecovery.adapters.persistence.operation.OperationRowRepository;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.adapters.persistence.operation.OperationRows;
import org.vpsrecovery.domain.port.DriftRecords;
import org.vpsrecovery.domain.port.IdempotencyRecords;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.PendingChanges;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.adapters.persistence.policy.PolicyRowRepository;
import org.vpsrecovery.adapters.persistence.policy.PolicyRows;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.port.WebhookMessageFormat;

/**
 * Micronaut beans for the PostgreSQL adapters over the default DataSource (micronaut-jdbc-hikari,
 * {@code datasources.default.*}). The adapters themselves are plain classes taking a DataSource, so
 * tests and other wiring can build them without a context.
 */
@Factory
@Requires(beans = DataSource.class)
public class PostgresAdapterFactory {

    /**
     * The pool itself. With Micronaut Data on the classpath the injected DataSource hands out
     * connections bound to the current transaction only; the hand-written adapters take, commit and
     * return their own connections, so they get the pool underneath.
     */
    public static DataSource pooled(DataSource injected) {
        return DelegatingDataSource.unwrapDataSource(injected);
    }

    /** The message format is the HTTP side's (bootstrap supplies it): the outbox stores what it writes. */
    @Singleton
    AuditEventRows auditEventRows(AuditEventRowRepository repository, ChainHeadRowRepository head) {
        return new AuditEventRows(repository, head);
    }

    @Singleton
    AuditHistory auditHistory(DataSource dataSource, AuditEventRows rows, WebhookMessageFormat messageFormat,
                              @Value("${" + SessionBounds.LOCK_TIMEOUT + ":10s}") Duration lockTimeout) {
        return new JdbcAuditHistory(pooled(dataSource), rows, messageFormat, lockTimeout);
    }

    /**
     * Lock connections are capped below the pool's size, so the audit appends and reads a locked
     * request makes always find a connection (ADR 0023 gives the sizing).
     */
    @Singleton
    @Primary
    @Bean(preDestroy = "close") // stops its keep-alive sweeper thread (ADR 0023, amended in session 41)
    PgServerLock serverLock(DataSource dataSource,
                            @Value("${vpsr.server-lock.max-wait:5s}") Duration maxWait,
                            @Value("${vpsr.server-lock.max-waiters-per-server:16}") int maxWaitersPerServer,
                            @Value("${vpsr.server-lock.max-connections:0}") int maxConnections,
                            @Value("${datasources.default.maximum-pool-size:10}") int poolSize,
                            @Value("${" + IDLE_IN_TRANSACTION_TIMEOUT + ":60s}") Duration silenceLimit) {
        return new PgServerLock(pooled(dataSource), requireLockWait(maxWait), requireWaiters(maxWaitersPerServer),
                lockConnections(maxConnections, poolSize), requireSilenceLimit(silenceLimit));
    }

    /** The connections locks may hold: set, or the pool's less the reserved ones, never those (ADR 0023). */
    static int lockConnections(int maxConnections, int poolSize) {
        // Unset (0) is the pool's less the reserved, at least one: a small pool (tests, a trial) still starts.
        if (maxConnections < 0 || maxConnections > 0 && maxConnections > poolSize - RESERVED_CONNECTIONS) {
            throw new IllegalArgumentException("vpsr.server-lock.max-connections must be 1 to "
                    + "datasources.default.maximum-pool-size (" + poolSize + ") less " + RESERVED_CONNECTIONS
                    + " kept for the audit writer, reads and health (ADR 0023), or unset, was " + maxConnections);
        }
        return maxConnections > 0 ? maxConnections : Math.max(1, poolSize - RESERVED_CONNECTIONS);
    }

    static Duration requireLockWait(Duration maxWait) {
        if (maxWait.toMillis() < 1 || maxWait.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("vpsr.server-lock.max-wait must be 1 ms to " + Integer.MAX_VALUE
                    + " ms, was " + maxWait);
        }
        return maxWait;
    }

    static int requireWaiters(int maxWaitersPerServer) {
        if (maxWaitersPerServer < 1) {
            throw new IllegalArgumentException("vpsr.server-lock.max-waiters-per-server must be positive, was "
                    + maxWaitersPerServer);
        }
        return maxWaitersPerServer;
    }

    /**
     * How long PostgreSQL lets a session sit silent in a transaction before it ends it and its locks (ADR 0023, amended
     * in session 39): a dead instance's server locks are free again after it; a live holder speaks every third of it.
     */
    public static final String IDLE_IN_TRANSACTION_TIMEOUT = "vpsr.database.idle-in-transaction-timeout";

    static Duration requireSilenceLimit(Duration limit) {
        if (limit.compareTo(Duration.ofSeconds(1)) < 0 || limit.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException(IDLE_IN_TRANSACTION_TIMEOUT + " must be 1s to 1h, not " + limit);
        }
        return limit;
    }

    /** Names the trackers' following lock (ADR 0057); every unnamed {@link ServerLock} is the requests' one. */
    public static final String FOLLOWING_LOCK = "tracker-following";

    /**
     * Orders trackers (of any instance) on a server while they follow what VPS.org took; a request never takes
     * it, so it never keeps one out (ADR 0057). Waits as long as the server's lock.
     */
    @Singleton
    @Named(FOLLOWING_LOCK)
    @Bean(preDestroy = "close")
    PgServerLock followingLock(DataSource dataSource, @Value("${vpsr.server-lock.max-wait:5s}") Duration maxWait,
                               @Value("${" + IDLE_IN_TRANSACTION_TIMEOUT + ":60s}") Duration silenceLimit) {
        return PgServerLock.following(pooled(dataSource), requireLockWait(maxWait), requireSilenceLimit(silenceLimit));
    }

    /**
     * Kept out of the lock budget: one held by the trackers' following lock while it is held ({@link #followingLock}),
     * the rest for the audit writer, reads, idempotency and health (docs/reliability.md).
     */
    static final int RESERVED_CONNECTIONS = 6;

    @Singleton
    RecoveryOperations recoveryOperations(OperationRowRepository rows) {
        return new OperationRows(rows);
    }

    @Singleton
    RecoveryPointHolds recoveryPointHolds(HoldRowRepository rows, DataSource dataSource) {
        return new HoldRows(rows, pooled(dataSource));
    }

    @Singleton
    PendingChanges pendingChanges(PendingChangeRowRepository rows) {
        return new PendingChangeRows(rows);
    }

    @Singleton
    RecoveryPolicies recoveryPolicies(PolicyRowRepository rows, DataSource dataSource) {
        return new PolicyRows(rows, pooled(dataSource));
    }

    @Singleton
    DriftRecords driftRecords(DriftRowRepository drifts, SightingRowRepository sightings) {
        return new DriftRows(drifts, sightings);
    }

    /** Subscriptions and the delivery log; the deliveries themselves are written by the audit append. */
    @Singleton
    WebhookRows webhookRows(DataSource dataSource, SubscriptionRowRepository subscriptions, DeliveryRowRepository deliveries) {
        return new WebhookRows(pooled(dataSource), subscriptions, deliveries);
    }

    /** Reads "now" from the application's Clock bean when there is one, so tests can move time. */
    @Singleton
    IdempotencyRecords idempotencyRecords(DataSource dataSource, @Nullable Clock clock) {
        return new JdbcIdempotencyRecords(pooled(dataSource), clock == null ? Clock.systemUTC() : clock);
    }

    /**
     * Each team's fair share across instances (ADR 0037). A call slot's lease outlasts the longest
     * request (a lock wait, VPS.org's timeouts and retries); it only matters for an instance that died.
     * On stop the instance's block of slots goes back at once (ADR 0045). Built when the context starts: a lease
     * too short stops the start with its key named, not the first team request with a 500 (ADR 0021, session 42).
     */
    @Context
    @Bean(preDestroy = "close")
    PgFairShare fairShare(DataSource dataSource, @Nullable Clock clock,
                        @Value("${vpsr.fair-share.call-lease:2m}") Duration lease) {
        return new PgFairShare(pooled(dataSource), clock == null ? Clock.systemUTC() : clock, lease).startGivingBack();
    }

    /** The console's failed sign-in allowances, shared by every instance (ADR 0041, amended in session 51). */
    @Singleton
    PgSharedAllowances sharedAllowances(DataSource dataSource, @Nullable Clock clock) {
        return new PgSharedAllowances(pooled(dataSource), clock == null ? Clock.systemUTC() : clock);
    }

    /** The web console's sessions, shared by every instance (ADR 0041). */
    @Singleton
    SignInSessions signInSessions(DataSource dataSource) {
        return new PgSignInSessions(pooled(dataSource));
    }

    /** The key of the console's sign-in form tokens, shared by every instance (ADR 0041, amended in session 50). */
    @Singleton
    SignInFormKey signInFormKey(DataSource dataSource) {
        return new PgSignInFormKey(pooled(dataSource));
    }
}
