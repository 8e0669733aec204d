package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.domain.port.PlatformUnavailable;

/**
 * A gauge's reading while the database is out of reach: one line as its failures begin, a reminder at most every 10
 * minutes with the count, one as it reads again, none with a trace; and when it last read, as a gauge (session 53).
 */
class GaugeReadingTest {

    private static final Instant AT = Instant.parse("2026-12-07T14:00:00Z");

    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private final AtomicLong nanos = new AtomicLong();

    private GaugeReading<Integer> reading() {
        // Read by hand below: the reader's own period (an hour) never comes within a test.
        return new GaugeReading<>("webhook-backlog", () -> {
            if (databaseDown.get()) {
                throw new PlatformUnavailable("the platform's database cannot read the webhook backlog now",
                        Duration.ofSeconds(1), new SQLTransientConnectionException("HikariPool-1 - Connection is not available, 10.0.0.7:5432",
                                "08001", new ConnectException("Connection refused")));
            }
            return 7;
        }, 0, Duration.ofHours(1), Clock.fixed(AT, ZoneOffset.UTC), nanos::get);
    }

    @Test
    void anOutageIsOneLineThenARemindEveryTenMinutesWithItsCountThenOneAtItsEnd() {
        Logger logger = (Logger) LoggerFactory.getLogger(GaugeReading.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Level before = logger.getLevel();
        logger.setLevel(Level.INFO);
        logger.addAppender(lines);
        try (GaugeReading<Integer> reading = reading()) {
            reading.read();
            databaseDown.set(true);
            for (int i = 0; i < 60; i++) { // ten minutes at one read every 10 s
                reading.read();
                nanos.addAndGet(Duration.ofSeconds(10).toNanos());
            }
            reading.read();
            databaseDown.set(false);
            reading.read();
            reading.read();
            assertThat(reading.latest()).isEqualTo(7);
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(before);
        }

        List<String> said = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines.list).allSatisfy(line -> assertThat(line.getThrowableProxy()).isNull());
        assertThat(said).hasSize(3);
        assertThat(said.get(0)).startsWith("reading the webhook-backlog for its gauges (they keep the last reading) is "
                + "failing: org.vpsrecovery.domain.port.PlatformUnavailable: the platform's database cannot read the "
                + "webhook backlog now (the database: nothing accepted the connection at its host and port)");
        assertThat(said.get(1)).contains("is still failing after 600 s: 59 more failure(s) since the last line (61 in all)");
        assertThat(said.get(2)).isEqualTo("reading the webhook-backlog for its gauges (they keep the last reading) works "
                + "again after 61 failure(s) over 600 s");
        assertThat(String.join("\n", said)).doesNotContain("10.0.0.7");
        assertThat(lines.list.get(0).getLevel()).isEqualTo(Level.WARN);
        assertThat(lines.list.get(2).getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void whenTheLastReadSucceededIsAGaugeThatAFailedReadLeavesAsItWas() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (GaugeReading<Integer> reading = reading().withLastReadGauge(registry)) {
            var gauge = registry.find("vpsr.gauge.last_read_timestamp_seconds").tag("what", "webhook-backlog").gauge();
            assertThat(gauge).isNotNull();
            assertThat(gauge.value()).as("before the first read").isZero();

            reading.read();
            assertThat(gauge.value()).isEqualTo(AT.getEpochSecond());

            databaseDown.set(true);
            reading.read();
            assertThat(gauge.value()).isEqualTo(AT.getEpochSecond());
        }
    }
}
