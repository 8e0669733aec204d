package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.LoggerFactory;

/**
 * The database check: whatever ends a check frees its slot, the URL's own timeouts do not hold it, and a database that
 * accepts and never answers is answered "no answer" by one check shared by the probes (ADR 0038, amended in session 54).
 */
class DatabaseHealthIndicatorTest {

    private static final Properties LOGIN = new Properties();

    static {
        LOGIN.setProperty("user", "postgres");
    }

    /** pgjdbc could not start its login-timeout thread: the Error was the check's end, and every later probe "no answer". */
    @Test
    void anErrorEndingACheckIsADownAnswerAndTheNextProbeChecksAfresh() {
        AtomicInteger attempts = new AtomicInteger();
        var indicator = new DatabaseHealthIndicator("jdbc:postgresql://db.invalid/vpsr", LOGIN, Duration.ofSeconds(5),
                (url, login) -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new OutOfMemoryError("unable to create native thread: possibly out of memory");
                    }
                    throw new SQLException("Connection refused", "08001");
                });
        try {
            HealthResult first = probe(indicator);
            assertThat(first.getStatus()).isEqualTo(HealthStatus.DOWN);
            assertThat(error(first)).contains("OutOfMemoryError").doesNotContain("no answer");

            HealthResult next = probe(indicator);
            assertThat(attempts).as("a fresh check, not the first one's slot held for ever").hasValue(2);
            assertThat(next.getStatus()).isEqualTo(HealthStatus.DOWN);
            assertThat(error(next)).doesNotContain("no answer", "OutOfMemoryError");
        } finally {
            indicator.close();
        }
    }

    /** pgjdbc lets a URL's argument win over the check's properties: the check's URL goes without those bounds. */
    @Test
    void theChecksUrlLeavesOutTheTimeoutsThatWouldOverrideItsOwn() {
        List<String> urls = new CopyOnWriteArrayList<>();
        List<Properties> logins = new CopyOnWriteArrayList<>();
        var indicator = new DatabaseHealthIndicator("jdbc:postgresql://db:5432/vpsr?loginTimeout=30&ssl=true&socketTimeout"
                + "=120&connectTimeout=0&options=-c%20search_path%3Dvpsr", LOGIN, Duration.ofSeconds(2), (url, login) -> {
                    urls.add(url);
                    logins.add(login);
                    throw new SQLException("Connection refused", "08001");
                });
        try {
            probe(indicator);
        } finally {
            indicator.close();
        }
        assertThat(urls).containsExactly("jdbc:postgresql://db:5432/vpsr?ssl=true&options=-c%20search_path%3Dvpsr");
        assertThat(logins.get(0)).containsEntry("loginTimeout", "2").containsEntry("socketTimeout", "2")
                .containsEntry("connectTimeout", "2").containsEntry("user", "postgres");
    }

    /**
     * A database that accepts and never answers (a frozen host): the probes are answered "no answer" at the check's
     * timeout, by one check at a time, and that check ends by its own bounds although the URL asks for 120 s, so a later
     * probe starts another (the first one's end awaited, no duration asserted). The outage's line says the check's way.
     */
    @Test
    void aSilentDatabaseIsNoAnswerFromOneCheckAtATimeEndingByItsOwnBounds() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(DatabaseHealthIndicator.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // kept open, never written to
                    }
                } catch (IOException closed) {
                    // the test's end
                }
            });
            var indicator = new DatabaseHealthIndicator("jdbc:postgresql://127.0.0.1:" + silent.getLocalPort()
                    + "/postgres?sslmode=disable&loginTimeout=120&socketTimeout=120&connectTimeout=120", LOGIN,
                    Duration.ofSeconds(1), DriverManager::getConnection);
            try {
                List<CompletableFuture<HealthResult>> together = new ArrayList<>();
                for (int probe = 0; probe < 3; probe++) {
                    together.add(subscribe(indicator.getResult()));
                }
                for (CompletableFuture<HealthResult> probe : together) {
                    HealthResult answer = probe.get(1, TimeUnit.MINUTES);
                    assertThat(answer.getStatus()).isEqualTo(HealthStatus.DOWN);
                    assertThat(error(answer)).startsWith("no answer within 1000 ms");
                }
                assertThat(accepted).as("one check for the three probes").hasSize(1);

                // The check ends by its 1-s bounds, not the URL's 120 s: a later probe checks afresh. Waited for, at
                // most far past the check's bounds and far short of the URL's.
                long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (accepted.size() < 2 && System.nanoTime() < giveUpAt) {
                    HealthResult answer = probe(indicator);
                    assertThat(answer.getStatus()).isEqualTo(HealthStatus.DOWN);
                }
                assertThat(accepted).as("a second check, the first one ended by its own bounds").hasSizeGreaterThan(1);
            } finally {
                indicator.close();
                silent.close();
                acceptor.join();
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        } finally {
            log.detachAppender(lines);
        }
        List<String> said = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(said).isNotEmpty();
        assertThat(said.get(0)).contains("the health check of the database", "is failing",
                "it is checked again at each probe").doesNotContain("keeps trying", "127.0.0.1");
    }

    private static HealthResult probe(DatabaseHealthIndicator indicator) {
        return subscribe(indicator.getResult()).join();
    }

    /** The one result of a probe's publisher, as the health endpoint takes it. */
    private static CompletableFuture<HealthResult> subscribe(Publisher<HealthResult> publisher) {
        CompletableFuture<HealthResult> result = new CompletableFuture<>();
        publisher.subscribe(new Subscriber<>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                subscription.request(1);
            }

            @Override
            public void onNext(HealthResult next) {
                result.complete(next);
            }

            @Override
            public void onError(Throwable failure) {
                result.completeExceptionally(failure);
            }

            @Override
            public void onComplete() {
                result.completeExceptionally(new IllegalStateException("no result"));
            }
        });
        return result;
    }

    private static String error(HealthResult result) {
        return String.valueOf(((Map<?, ?>) result.getDetails()).get("error"));
    }
}
