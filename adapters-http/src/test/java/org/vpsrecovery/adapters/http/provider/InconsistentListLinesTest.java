package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The inconsistent-list WARN's count held back after a route's last line is said when the route goes quiet and at the
 * instance's stop; before, no line ever said it once the lists stopped failing (ADR 0025, amended in session 56).
 */
class InconsistentListLinesTest {

    private static final String ROUTE = "/api/v1/snapshots/";

    private final Logger logger = (Logger) LoggerFactory.getLogger(InconsistentListLinesTest.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final AtomicLong nanos = new AtomicLong();
    private final InconsistentListLines lines = new InconsistentListLines(logger, nanos::get);

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    @Test
    void aRouteQuietForItsFiveMinutesSaysTheCountHeldBackAfterItsLastLine() {
        assertThat(lines.sayNow(ROUTE)).hasValue(0);
        for (int i = 0; i < 3; i++) {
            assertThat(lines.sayNow(ROUTE)).isEmpty();
        }
        nanos.addAndGet(Duration.ofMinutes(4).toNanos());
        lines.sayQuiet();
        assertThat(appender.list).as("not quiet for five minutes yet").isEmpty();

        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        lines.sayQuiet();
        lines.sayQuiet();

        assertThat(appender.list).singleElement().satisfies(line -> assertThat(line.getFormattedMessage())
                .contains("GET " + ROUTE, "3 more lists failed so since its last line", "none since for 5 min"));
        assertThat(lines.sayNow(ROUTE)).as("its next line is a first again").hasValue(0);
    }

    @Test
    void atTheStopEveryCountHeldBackIsSaidWhateverItsInterval() {
        lines.sayNow(ROUTE);
        lines.sayNow(ROUTE);
        lines.sayNow("/api/v1/backups/");

        lines.sayAllHeld();
        lines.sayAllHeld();

        assertThat(appender.list).singleElement().satisfies(line -> assertThat(line.getFormattedMessage())
                .contains("GET " + ROUTE, "1 more lists failed so since its last line", "as this instance stops"));
    }
}
