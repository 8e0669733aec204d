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
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
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
import org.vpsrecovery.adapters.persistence.DatabaseUrlOptions;

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
@io.micronaut.context.annotation.Context // built at start, so a wrong vpsr.health.database-check-timeout stops it (ADR 0021)
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
    private final Connect connect;
    private final ExecutorService checking = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("database-health-check").factory());
    private final AtomicReference<CompletableFuture<HealthResult>> running = new AtomicReference<>();

    /** Opens the check's connection: pgjdbc's {@link DriverManager}, or a test's. */
    @FunctionalInterface
    interface Connect {
        Connection to(String url, Properties login) throws SQLException;
    }

    /** The URL arguments that would override the check's own bounds (pgjdbc lets a URL's argument win). */
    static final Set<String> BOUNDS = Set.of("connectTimeout", "loginTimeout", "socketTimeout");

    @Inject
    public DatabaseHealthIndicator(DataSource dataSource,
                                   @Value("${vpsr.health.database-check-timeout:1s}") Duration timeout) throws SQLException {
        this(dataSource.unwrap(HikariDataSource.class), timeout);
    }

    private DatabaseHealthIndicator(HikariDataSource pool, Duration timeout) {
        this(pool.getJdbcUrl(), loginOf(pool), timeout, DriverManager::getConnection);
    }

    DatabaseHealthIndicator(String poolUrl, Properties poolLogin, Duration timeout, Connect connect) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("vpsr.health.database-check-timeout must be positive, not " + timeout);
        }
        this.url = checkUrl(poolUrl);
        this.login = new Properties();
        login.putAll(poolLogin);
        this.timeout = timeout;
        this.connect = Objects.requireNonNull(connect, "connect");
        // pgjdbc's timeouts are whole seconds: the probe's own wait below is the exact bound.
        this.timeoutSeconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
        for (String bound : BOUNDS) {
            login.setProperty(bound, Integer.toString(timeoutSeconds));
        }
        this.outage = new LoopFailureLines(LOG, Level.WARN, "the health check of the database (/health, /health/readiness "
                + "answer 503)", "it is checked again at each probe", System::nanoTime);
    }

    private static Properties loginOf(HikariDataSource pool) {
        Properties login = new Properties();
        login.putAll(pool.getDataSourceProperties());
        if (pool.getUsername() != null) {
            login.setProperty("user", pool.getUsername());
        }
        if (pool.getPassword() != null) {
            login.setProperty("password", pool.getPassword());
        }
        return login;
    }

    /**
     * The pool's URL without its {@link #BOUNDS}: an operator's {@code ?socketTimeout=120} there (docs/deploy.md allows
     * it for the pool) held the one check slot that long, every probe answering DOWN after PostgreSQL was back.
     */
    static String checkUrl(String poolUrl) {
        return DatabaseUrlOptions.without(poolUrl, BOUNDS);
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
                        // Whatever ends the check (an Error too: a thread pgjdbc could not start), the slot is freed and
                        // its probes answered; before, an Error left every later probe at "no answer" until a restart.
                        HealthResult result = down("the check ended without a result");
                        try {
                            result = checkNow();
                        } finally {
                            running.compareAndSet(started, null);
                            started.complete(result);
                        }
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
        try (Connection connection = connect.to(url, login)) {
            if (!connection.isValid(timeoutSeconds)) {
                throw new SQLException("the connection was not valid");
            }
            DatabaseMetaData metadata = connection.getMetaData();
            // The URL, shown to auditors as Micronaut's indicator did (it holds no password: Deployment refuses one).
            HealthResult up = HealthResult.builder(NAME, HealthStatus.UP).details(Map.of("url", metadata.getURL(),
                    "database", metadata.getDatabaseProductName(), "version", metadata.getDatabaseProductVersion())).build();
            outage.worked();
            return up;
        } catch (Throwable failed) { // an Error too: see check()
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
