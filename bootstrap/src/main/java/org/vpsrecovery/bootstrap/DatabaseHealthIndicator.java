package org.vpsrecovery.bootstrap;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import io.micronaut.management.health.indicator.jdbc.JdbcIndicator;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Whether the database answers, for {@code /health} and {@code /health/readiness} (as {@code jdbc}, in place of
 * Micronaut's {@link JdbcIndicator}). Micronaut's waited for a connection from the pool: while PostgreSQL was out of
 * reach every probe took the pool's connection timeout (5 s) to answer 503, longer than a Kubernetes probe waits, and
 * logged an ERROR with the trace (its {@code HealthResult.Builder.exception}), its details naming the host.
 * <p>Here a check opens one connection of its own with the pool's URL, login and session settings, bounded by
 * {@code vpsr.health.database-check-timeout} (1 s), and closes it: no wait for the pool (shared with requests, and
 * refilled with a back-off of up to 5 s after an outage, so the database's return is seen at the first probe). One check
 * runs at a time: probes that come while it runs are answered its result, none waits longer than the timeout. A failure
 * is said in the details by {@link FailureWords} (no URL or host, no trace) and in the log by {@link LoopFailureLines}. ADR 0038,
 * amended in session 54.
 */
@Singleton
@Readiness
@Replaces(JdbcIndicator.class)
@Requires(beans = {HealthEndpoint.class, DataSource.class})
@Requires(property = "endpoints.health.jdbc.enabled", notEquals = "false")
public class DatabaseHealthIndicator implements HealthIndicator {

    static final String NAME = "jdbc";
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseHealthIndicator.class);

    private final String url;
    private final Properties login;
    private final Duration timeout;
    private final int timeoutSeconds;
    private final LoopFailureLines outage;
    private final ExecutorService checking = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("database-health-check").factory());
    private final AtomicReference<CompletableFuture<HealthResult>> running = new AtomicReference<>();

    public DatabaseHealthIndicator(DataSource dataSource,
                                   @Value("${vpsr.health.database-check-timeout:1s}") Duration timeout) throws SQLException {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("vpsr.health.database-check-timeout must be positive, not " + timeout);
        }
        HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
        this.url = pool.getJdbcUrl();
        this.login = new Properties();
        login.putAll(pool.getDataSourceProperties());
        if (pool.getUsername() != null) {
            login.setProperty("user", pool.getUsername());
        }
        if (pool.getPassword() != null) {
            login.setProperty("password", pool.getPassword());
        }
        this.timeout = timeout;
        // pgjdbc's timeouts are whole seconds: the probe's own wait below is the exact bound.
        this.timeoutSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        for (String bound : new String[] {"connectTimeout", "loginTimeout", "socketTimeout"}) {
            login.setProperty(bound, Integer.toString(timeoutSeconds));
        }
        this.outage = new LoopFailureLines(LOG, Level.WARN, "the health check of the database (/health, /health/readiness "
                + "answer 503)", System::nanoTime);
    }

    @Override
    public Publisher<HealthResult> getResult() {
        HealthResult noAnswer = down("no answer within " + timeout.toMillis() + " ms (vpsr.health.database-check-timeout)");
        return Publishers.fromCompletableFuture(() -> check().copy().completeOnTimeout(noAnswer, timeout.toMillis(),
                TimeUnit.MILLISECONDS));
    }

    /** The check under way, or a new one. */
    private CompletableFuture<HealthResult> check() {
        while (true) {
            CompletableFuture<HealthResult> underWay = running.get();
            if (underWay != null) {
                return underWay;
            }
            CompletableFuture<HealthResult> started = new CompletableFuture<>();
            if (running.compareAndSet(null, started)) {
                try {
                    checking.execute(() -> {
                        HealthResult result = checkNow();
                        running.compareAndSet(started, null);
                        started.complete(result);
                    });
                } catch (RuntimeException refused) { // stopping
                    running.compareAndSet(started, null);
                    started.complete(down(FailureWords.of(refused)));
                }
                return started;
            }
        }
    }

    private HealthResult checkNow() {
        try (Connection connection = DriverManager.getConnection(url, login)) {
            if (!connection.isValid(timeoutSeconds)) {
                throw new SQLException("the connection was not valid");
            }
            DatabaseMetaData metadata = connection.getMetaData();
            // The URL, shown to auditors as Micronaut's indicator did (it holds no password: Deployment refuses one).
            HealthResult up = HealthResult.builder(NAME, HealthStatus.UP).details(Map.of("url", metadata.getURL(),
                    "database", metadata.getDatabaseProductName(), "version", metadata.getDatabaseProductVersion())).build();
            outage.worked();
            return up;
        } catch (SQLException | RuntimeException failed) {
            outage.failed(failed);
            return down(FailureWords.of(failed));
        }
    }

    /** Details by words only: the builder's {@code exception(...)} logs an ERROR with the trace at every probe. */
    private static HealthResult down(String error) {
        return HealthResult.builder(NAME, HealthStatus.DOWN).details(Map.of("error", error)).build();
    }

    @PreDestroy
    void close() {
        checking.shutdownNow();
    }
}
