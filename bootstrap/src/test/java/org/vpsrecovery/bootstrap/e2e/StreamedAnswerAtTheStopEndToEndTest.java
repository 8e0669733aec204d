package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.AUDITOR_TOKEN;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.Drain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * A streamed answer (the audit CSV export) under way when the instance is stopped, over real HTTP on loopback and a real
 * PostgreSQL. The drain counted a request only until its status line went out, so the stop went on and closed the pool
 * and the server under an export still being read and sent: its client got a chunked body with no end. The drain now
 * counts it until its body has ended or its client has gone, within the drain's timeout, which still cuts one that
 * outlasts it (ADR 0038, amended in session 56). The stop is played as SIGTERM's does it (DrainOnStopSignal): the drain
 * begun, its wait for the requests in flight, then the context closed (the exit's shutdown hook). Nothing is timed: the
 * client holds the export by not reading (the export is far larger than the socket buffers), and what is asserted is the
 * order of things and their outcome.
 */
class StreamedAnswerAtTheStopEndToEndTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    /**
     * 1,000 events of about 10 KB of CSV each: an export of about 10 MB, against Linux's default ceiling of 4 MB for a
     * socket's send buffer (net.ipv4.tcp_wmem) and the client's small receive buffer (as AnswerToAResetClientEndToEndTest).
     */
    private static final int EVENTS = 1_000;

    private VpsOrgSimulator simulator;
    private RunningPlatform platform;

    @AfterEach
    void stopWhatIsLeft() {
        if (platform != null) {
            platform.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    /** A platform on a database of its own (a drain is for good), drain delay 0, {@code settings} on top, events seeded. */
    private void start(Map<String, Object> settings) {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        Map<String, Object> properties = new LinkedHashMap<>(PlatformOnSimulator.NO_BACKGROUND_TRACKING);
        properties.put("vpsr.shutdown.drain-delay", "0s");
        properties.putAll(settings);
        platform = RunningPlatform.start(DATABASE.anotherMigrated(), simulator, properties);
        appendLargeEvents();
        // Micronaut looks its request-end listeners up at the first request's end: not the export's, which the stop's
        // close may end, when no bean can be looked up any more.
        assertThat(platform.send("GET", "/health/liveness", null, null).status()).isEqualTo(200);
    }

    /**
     * The export's client reads the first bytes, then stops reading: the drain begun then waits for the export (before,
     * it found nothing in flight and the stop went on). The client reads on: the export ends with its last line (the
     * oldest event) and the chunked body's end, and then the drain ends and the stop closes the context.
     */
    @Test
    void anExportUnderWayAtTheStopIsSentToItsEndBeforeTheStopGoesOn() throws Exception {
        start(Map.of());
        Drain drain = platform.context.getBean(Drain.class);
        try (Export export = Export.begin(platform.server.getPort())) {
            assertThat(export.status()).as(export.text()).isEqualTo(200);

            Stop stop = Stop.begin(drain, stopping());
            assertThat(stop.waitingForRequests())
                    .as("the drain waits for the export's body (it found nothing in flight: the status line was out)")
                    .isTrue();
            assertThat(drain.inFlight()).isEqualTo(1);

            export.readToItsEnd();
            assertThat(stop.drained()).isEqualTo(Drain.Left.NONE);
            assertThat(export.ended()).as("the chunked body's end arrived").isTrue();
            List<String> lines = export.text().lines().toList();
            assertThat(lines.getFirst()).startsWith("sequence,occurred_at,");
            List<Long> sequences = lines.subList(1, lines.size()).stream()
                    .map(line -> Long.parseLong(line.substring(0, line.indexOf(',')))).toList();
            // Newest first, down to the first event: the platform's own records (this export's read) counted, not named.
            assertThat(sequences.getFirst()).isGreaterThanOrEqualTo(EVENTS);
            assertThat(sequences).as("every event, the last line the first event")
                    .hasSize((int) (long) sequences.getFirst()).endsWith(1L).doesNotHaveDuplicates();
            stop.closed();
        }
    }

    /** A client that goes away in the middle of the export ends its count at once: the drain does not wait it out. */
    @Test
    void anExportWhoseClientGoesAwayDuringTheDrainDoesNotHoldTheDrain() throws Exception {
        start(Map.of());
        Drain drain = platform.context.getBean(Drain.class);
        try (Export export = Export.begin(platform.server.getPort())) {
            assertThat(export.status()).as(export.text()).isEqualTo(200);

            Stop stop = Stop.begin(drain, stopping());
            assertThat(stop.waitingForRequests()).as("the drain waits for the export's body").isTrue();

            export.reset();
            // The drain's timeout (60 s here, the default idle timeout's two thirds) would answer the export left.
            assertThat(stop.drained()).as("nothing left in flight: the export ended with its client").isEqualTo(Drain.Left.NONE);
            stop.closed();
        }
    }

    /**
     * An export still sending at the drain's timeout (its client reads on, slowly: it would take minutes) is cut as
     * before: the drain answers it left, sending its body, and the stop's close breaks it off without the chunked end.
     */
    @Test
    void anExportStillSendingAtTheDrainTimeoutIsCutByTheStop() throws Exception {
        // A drain of 2 s (two thirds of the idle timeout); a request's VPS.org call must then fit in it (ADR 0010).
        start(Map.of("micronaut.server.idle-timeout", "3s", "vpsorg.read-timeout", "1s",
                "vpsorg.connect-timeout", "500ms", "micronaut.lifecycle.graceful-shutdown.grace-period", "1s"));
        Drain drain = platform.context.getBean(Drain.class);
        try (Export export = Export.begin(platform.server.getPort())) {
            assertThat(export.status()).as(export.text()).isEqualTo(200);
            AtomicBoolean readOn = new AtomicBoolean(true);
            // Reading on keeps the connection busy both ways (the idle timeout closes a silent one), far slower than
            // the export is made.
            CompletableFuture<Void> slowReader = CompletableFuture.runAsync(() -> export.readSlowlyWhile(readOn));

            Stop stop = Stop.begin(drain, stopping());
            assertThat(stop.drained()).as("left at the drain's timeout: the export, still sending its body")
                    .isEqualTo(new Drain.Left(1, 1));
            stop.closed();
            readOn.set(false);
            slowReader.get(1, TimeUnit.MINUTES);

            export.readToItsEnd();
            assertThat(export.ended()).as("the export was cut: no chunked body's end").isFalse();
            assertThat(export.text()).startsWith("sequence,occurred_at,");
        }
    }

    /** The running platform, handed to the stop to close, no longer this test's to close. */
    private RunningPlatform stopping() {
        RunningPlatform stopped = platform;
        platform = null;
        return stopped;
    }

    /** SIGTERM's stop as DrainOnStopSignal runs it, on a thread of its own: the drain, its wait, the context's close. */
    private static final class Stop {
        private final Thread thread;
        private final AtomicReference<Drain.Left> drained = new AtomicReference<>();
        private final CompletableFuture<Void> closed = new CompletableFuture<>();

        private Stop(Drain drain, RunningPlatform platform) {
            drain.begin();
            thread = Thread.ofPlatform().name("stop").start(() -> {
                try {
                    drained.set(drain.awaitIdle());
                    platform.close();
                    closed.complete(null);
                } catch (Throwable failed) {
                    closed.completeExceptionally(failed);
                }
            });
        }

        static Stop begin(Drain drain, RunningPlatform platform) {
            return new Stop(drain, platform);
        }

        /**
         * Whether the stop is waiting for the requests in flight: its thread sleeping between the drain's looks with
         * the drain not ended. False once the drain ended (its close may wait too: that is no wait for the requests).
         */
        boolean waitingForRequests() {
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> drained.get() != null || thread.getState() == Thread.State.TIMED_WAITING);
            return drained.get() == null;
        }

        Drain.Left drained() {
            await().atMost(Duration.ofMinutes(2)).until(() -> drained.get() != null || closed.isDone());
            return drained.get();
        }

        void closed() throws Exception {
            closed.get(2, TimeUnit.MINUTES);
        }
    }

    /**
     * One CSV export over a raw socket with a small receive buffer (the server cannot send it whole until the client
     * reads), its answer read by Netty's HTTP decoder: the chunked body's end seen, or not.
     */
    private static final class Export implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final EmbeddedChannel decoder = new EmbeddedChannel(new HttpClientCodec());
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private HttpResponse head;
        private boolean ended;

        private Export(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            decoder.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
            decoder.releaseOutbound();
        }

        /** The export asked for, its status line, headers and first bytes read. */
        static Export begin(int port) throws IOException {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096); // before connecting: the window the server may fill stays small
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("GET /api/v1/audit/events/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + AUDITOR_TOKEN + "\r\nAccept: text/csv\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            Export export = new Export(socket);
            while (export.head == null || export.body.size() == 0) {
                if (!export.readSome(4096)) {
                    break;
                }
            }
            return export;
        }

        int status() {
            return head == null ? -1 : head.status().code();
        }

        boolean ended() {
            return ended;
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }

        /** Reads up to {@code most} bytes; false at the end of the connection (or of the answer). */
        private boolean readSome(int most) {
            if (ended) {
                return false;
            }
            byte[] buffer = new byte[most];
            int read;
            try {
                read = in.read(buffer);
            } catch (IOException brokenOff) {
                return false; // a reset by the server's close: the answer ends here
            }
            if (read < 0) {
                return false;
            }
            decoder.writeInbound(Unpooled.copiedBuffer(buffer, 0, read));
            for (Object message; (message = decoder.readInbound()) != null; ) {
                if (message instanceof HttpResponse response) {
                    head = response;
                }
                if (message instanceof HttpContent content) {
                    try {
                        body.writeBytes(io.netty.buffer.ByteBufUtil.getBytes(content.content()));
                        // A chunked body's LastHttpContent comes only from its end, "0" CRLF CRLF.
                        ended |= content instanceof LastHttpContent && content.decoderResult().isSuccess();
                    } finally {
                        content.release();
                    }
                }
            }
            return !ended;
        }

        void readToItsEnd() {
            while (readSome(64 * 1024)) {
                // on to the end, or to the connection's
            }
        }

        /** Reads a kilobyte every 20 ms while {@code on}: the 10 MB export would take minutes. */
        void readSlowlyWhile(AtomicBoolean on) {
            while (on.get() && readSome(1024)) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** Goes away in the middle of the export: the close sends RST. */
        void reset() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            decoder.finishAndReleaseAll();
            socket.close();
        }
    }

    private void appendLargeEvents() {
        Map<String, String> detail = new LinkedHashMap<>();
        for (int i = 0; i < AuditEvent.MAX_DETAIL_ENTRIES; i++) {
            detail.put("filler_" + i, "x".repeat(AuditEvent.MAX_DETAIL_VALUE_LENGTH));
        }
        Instant t0 = Instant.parse("2026-02-01T12:00:00Z");
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 1; i <= EVENTS; i++) {
            events.add(new AuditEvent(t0.plusSeconds(i), new TeamId("demo"), new RequestId("large-" + i),
                    Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(12345)), Optional.empty(), new Outcome.Completed(),
                    OptionalInt.empty(), detail));
            if (events.size() == 100) {
                platform.audit().appendAll(events);
                events.clear();
            }
        }
    }
}
