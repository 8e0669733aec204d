package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.AUDITOR_TOKEN;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * The service writing an answer to a client that has reset its connection ("broken pipe"), over real HTTP on
 * loopback: a CSV export far larger than the socket buffers, of which the client reads the first bytes before it
 * resets. The server cannot have written the export whole before the reset, so its next write (or read) fails. That
 * failure is no failure of ours: no ERROR or WARN line, no 5xx counted, the export's read slot and cursor given back,
 * and the next request answered (ADR 0006, amended in session 44).
 */
class AnswerToAResetClientEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(),
            PlatformOnSimulator.NO_BACKGROUND_TRACKING);

    /**
     * 1,000 events of about 10 KB of CSV each: an export of about 10 MB, against Linux's default ceiling of 4 MB for a
     * socket's send buffer (net.ipv4.tcp_wmem) and the client's small receive buffer.
     */
    private static final int EVENTS = 1_000;
    private static final String MICRONAUTS_CLIENT_GONE_LOGGER = "io.micronaut.http.server.netty.RoutingInBoundHandler";

    @Test
    void anExportWhoseClientResetsEndsWithoutAnErrorOr5xxAndGivesItsSlotBack() throws Exception {
        appendLargeEvents();
        MeterRegistry registry = SETUP.platform().context.getBean(MeterRegistry.class);
        var captured = new ListAppender<ILoggingEvent>();
        captured.start();
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        // Micronaut's line for a client gone between requests is DEBUG: seen here to know which failure the server met.
        var clientGone = (Logger) LoggerFactory.getLogger(MICRONAUTS_CLIENT_GONE_LOGGER);
        Level clientGoneLevel = clientGone.getLevel();
        clientGone.setLevel(Level.DEBUG);
        root.addAppender(captured);
        long serverErrorsBefore = LeavingClient.serverErrors(registry);
        try {
            try (Socket socket = new Socket()) {
                socket.setReceiveBufferSize(4096); // before connecting: the window the server may fill stays small
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), SETUP.platform().server.getPort()));
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(("GET /api/v1/audit/events/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + AUDITOR_TOKEN + "\r\nAccept: text/csv\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                assertThat(firstBytes(socket.getInputStream(), 64)).startsWith("HTTP/1.1 200 ");
                // The export is under way: its slot is taken until its stream is closed (ADR 0062).
                assertThat(auditReadsInUse(registry)).isEqualTo(1.0);
                socket.setSoLinger(true, 0); // the close sends RST
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> auditReadsInUse(registry) == 0.0);
            await().atMost(Duration.ofSeconds(30)).until(() -> !clientGoneFailures(captured).isEmpty());

            assertThat(clientGoneFailures(captured)).as("what the server met writing to (or reading from) the reset client")
                    .anySatisfy(failure -> assertThat(failure).containsAnyOf("NativeIoException", "SocketException")
                            .containsPattern("(?i)connection reset|broken pipe"));
            assertThat(LeavingClient.serverErrors(registry)).isEqualTo(serverErrorsBefore);
            assertThat(registry.find("http.server.requests").tag("uri", "/api/v1/audit/events").timers())
                    .extracting(timer -> timer.getId().getTag("status")).containsOnly("200");
            synchronized (captured) { // Logback appends under the appender's lock
                assertThat(captured.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                        .extracting(AnswerToAResetClientEndToEndTest::wholeText).isEmpty();
                // Micronaut's "Reactive response received an error after some data has already been written" is a WARN.
                assertThat(captured.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                        .filteredOn(e -> e.getLoggerName().startsWith("org.vpsrecovery.adapters.http")
                                || e.getLoggerName().startsWith("io.micronaut.http") || e.getLoggerName().startsWith("io.netty"))
                        .extracting(AnswerToAResetClientEndToEndTest::wholeText).isEmpty();
            }
            Answer next = SETUP.platform().send("GET", "/api/v1/audit/events/?limit=1", AUDITOR_TOKEN, null);
            assertThat(next.status()).as(next.raw().body()).isEqualTo(200);
        } finally {
            root.detachAppender(captured);
            clientGone.setLevel(clientGoneLevel);
        }
    }

    private static void appendLargeEvents() {
        Map<String, String> detail = new LinkedHashMap<>();
        for (int i = 0; i < AuditEvent.MAX_DETAIL_ENTRIES; i++) {
            detail.put("filler_" + i, "x".repeat(AuditEvent.MAX_DETAIL_VALUE_LENGTH));
        }
        Instant t0 = Instant.parse("2026-02-01T12:00:00Z");
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 1; i <= EVENTS; i++) {
            events.add(new AuditEvent(t0.plusSeconds(i), new TeamId("demo"), new RequestId("large-" + i),
                    Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(12345)), Optional.empty(), new Outcome.Accepted(),
                    OptionalInt.empty(), detail));
            if (events.size() == 100) {
                SETUP.platform().audit().appendAll(events);
                events.clear();
            }
        }
    }

    private static String firstBytes(InputStream in, int count) throws java.io.IOException {
        byte[] read = in.readNBytes(count);
        return new String(read, StandardCharsets.US_ASCII);
    }

    private static double auditReadsInUse(MeterRegistry registry) {
        return registry.get("vpsr.audit.reads.in_use").gauge().value();
    }

    /** Micronaut's DEBUG lines about a client gone between requests, each with its failure's type and message. */
    private static List<String> clientGoneFailures(ListAppender<ILoggingEvent> captured) {
        synchronized (captured) {
            return captured.list.stream().filter(e -> e.getLoggerName().equals(MICRONAUTS_CLIENT_GONE_LOGGER))
                    .filter(e -> e.getLevel() == Level.DEBUG).map(AnswerToAResetClientEndToEndTest::wholeText).toList();
        }
    }

    /** A logged event as a reader of the log sees it: level, message, and every exception's type and message. */
    private static String wholeText(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            text.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }
}
