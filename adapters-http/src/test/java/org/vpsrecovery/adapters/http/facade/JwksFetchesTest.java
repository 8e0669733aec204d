package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.KeySourceException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The JWKS fetches told (ADR 0034, amended in session 50): each counted; a failure said with its cause, the same cause
 * again only once a minute has passed (the rate limit lets a fetch through every few seconds in an outage); another
 * cause at once; the first good fetch after failures in an INFO. Time is the test's.
 */
class JwksFetchesTest {

    private final AtomicLong nanos = new AtomicLong();
    private final JwksFetches fetches = new JwksFetches(nanos::get);
    private final Logger logger = (Logger) LoggerFactory.getLogger(JwksFetches.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private Level levelBefore;

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
        // The tests' configuration logs WARN and above; the service's, INFO (ServiceLogging).
        levelBefore = logger.getLevel();
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
        logger.setLevel(levelBefore);
    }

    @Test
    void aFailureIsSaidWithItsCauseOnceAMinuteWhileItLastsAndTheRecoveryOnce() {
        KeySourceException refused = new KeySourceException("Couldn't retrieve JWK set from URL: Connection refused",
                new ConnectException("Connection refused"));
        fetches.succeeded();
        fetches.failed(refused);
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        fetches.failed(refused);
        nanos.addAndGet(Duration.ofSeconds(50).toNanos());
        fetches.failed(refused);

        assertThat(said(Level.WARN)).singleElement().asString().contains("KeySourceException: Couldn't retrieve JWK set "
                + "from URL: Connection refused", "1 failed fetch(es) in a row");

        nanos.addAndGet(Duration.ofSeconds(6).toNanos());
        fetches.failed(refused);
        fetches.failed(new KeySourceException("the JWKS answer is not a JWK set"));
        assertThat(said(Level.WARN)).hasSize(3).satisfies(warnings -> {
            assertThat(warnings.get(1)).contains("4 failed fetch(es) in a row");
            assertThat(warnings.get(2)).contains("not a JWK set", "5 failed fetch(es) in a row");
        });

        fetches.succeeded();
        fetches.succeeded();
        assertThat(said(Level.INFO)).containsExactly(
                "the identity provider's keys (JWKS) were fetched again, after 5 failed fetch(es)");
        assertThat(fetches.fetched()).isEqualTo(3);
        assertThat(fetches.failed()).isEqualTo(5);

        fetches.failed(refused);
        assertThat(said(Level.WARN)).as("a new outage is said at once").hasSize(4);
    }

    /**
     * One outage whose cause's text carries numbers that change at every fetch (a timeout's milliseconds, a port) is
     * one cause: said once a minute, as HousekeepingJobs says its own (FailureLine.sameCauseAs, session 52). Before,
     * the exact text was compared, and each fetch of the outage was said again.
     */
    @Test
    void aCauseWhoseNumbersChangeAtEveryFetchIsOneCause() {
        fetches.failed(timedOut(5001, 41234));
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        fetches.failed(timedOut(5003, 41240));
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        fetches.failed(timedOut(5002, 41251));

        assertThat(said(Level.WARN)).singleElement().asString().contains("5001 ms", "1 failed fetch(es) in a row");

        nanos.addAndGet(Duration.ofSeconds(60).toNanos());
        fetches.failed(timedOut(5004, 41260));
        assertThat(said(Level.WARN)).as("again once the minute passed").hasSize(2)
                .last().asString().contains("5004 ms", "4 failed fetch(es) in a row");
        fetches.failed(new KeySourceException("the JWKS answer is not a JWK set"));
        assertThat(said(Level.WARN)).as("another cause at once").hasSize(3);
    }

    private static KeySourceException timedOut(int millis, int port) {
        return new KeySourceException("Couldn't retrieve JWK set from URL: Read timed out after " + millis + " ms",
                new java.net.SocketTimeoutException("Read timed out after " + millis + " ms (local port " + port + ")"));
    }

    private List<String> said(Level level) {
        return lines.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }
}
