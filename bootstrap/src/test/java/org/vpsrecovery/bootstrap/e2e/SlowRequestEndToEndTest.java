package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * A client that sends its request slowly, or stops half-way, loses its connection once
 * vpsr.http.request-read-timeout has passed since the request's first byte, whatever it keeps sending (slowloris;
 * Micronaut's own timeouts close a connection only when it is idle both ways: session 38). The waits below are
 * bounds, far above the timeout set here, not measurements.
 */
class SlowRequestEndToEndTest {

    private static final Duration REQUEST_READ_TIMEOUT = Duration.ofSeconds(1);
    /** Far above the timeout, far below micronaut.server.idle-timeout (90 s), which would close a stalled one too. */
    private static final int CLOSED_WITHIN_MILLIS = 20_000;

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(),
            Map.of("vpsr.http.request-read-timeout", REQUEST_READ_TIMEOUT.toMillis() + "ms"));

    private Socket connected() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), SETUP.platform().server.getPort());
        socket.setSoTimeout(CLOSED_WITHIN_MILLIS);
        return socket;
    }

    private static final String GET_HEAD = "GET /api/v1/snapshots/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Authorization: Bearer " + RunningPlatform.DEMO_TOKEN + "\r\n";
    private static final byte[] HEAD = GET_HEAD.getBytes(StandardCharsets.US_ASCII);
    /** Refused (no token, no such route) without closing the connection; its body {@code {}} ends the read. */
    private static final String REFUSED_POST = "POST /api/v1/no-such-route HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    private static final String CLOSING = "Connection: close\r\n\r\n";

    @Test
    void aRequestThatStopsHalfWayIsDisconnected() throws IOException {
        try (Socket socket = connected()) {
            socket.getOutputStream().write(HEAD, 0, 20);
            socket.getOutputStream().flush();
            // The server closes: end of stream (or a reset), not the socket's own wait running out.
            assertThat(readUntilClosed(socket.getInputStream())).isTrue();
        }
    }

    @Test
    void aRequestTrickledAByteAtATimeIsDisconnectedThoughNeverIdle() throws Exception {
        try (Socket socket = connected()) {
            OutputStream out = socket.getOutputStream();
            long giveUpAt = System.nanoTime() + Duration.ofMillis(CLOSED_WITHIN_MILLIS).toNanos();
            boolean closed = false;
            // Header lines without end, a byte every 100 ms: never idle, never whole.
            byte[] endless = "X-Padding: a".getBytes(StandardCharsets.US_ASCII);
            int sent = 0;
            while (!closed && System.nanoTime() < giveUpAt) {
                try {
                    out.write(sent < HEAD.length ? HEAD[sent] : endless[(sent - HEAD.length) % endless.length]);
                    out.flush();
                    sent++;
                } catch (IOException reset) {
                    closed = true;
                    break;
                }
                socket.setSoTimeout(100);
                try {
                    closed = socket.getInputStream().read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // nothing from the server yet: send the next byte
                } catch (IOException reset) {
                    closed = true;
                }
            }
            assertThat(closed).as("the server closed the trickling connection").isTrue();
        }
    }

    @Test
    void aWholeRequestIsAnsweredAsEver() throws IOException {
        try (Socket socket = connected()) {
            socket.getOutputStream().write(HEAD);
            socket.getOutputStream().write(CLOSING.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200");
        }
    }

    /**
     * A pipelined request whose first bytes come in the same segment as the previous request's end: the previous one's
     * end stopped the connection's deadline after the new bytes had passed the start of it, so the new request had no
     * deadline until its next byte (only the idle timeout, 90 s). Two tails: a head cut short (bytes the codec holds
     * without a message) and a whole head whose body does not come.
     */
    @ParameterizedTest
    @ValueSource(strings = {"GET /api/v1/snapshots/ HTTP/1.1\r\nHo",
            "POST /api/v1/snapshots/801/holds HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + RunningPlatform.DEMO_TOKEN + "\r\nContent-Length: 10\r\n\r\n"})
    void aPipelinedRequestStartedInThePreviousOnesSegmentAndLeftUnfinishedIsDisconnected(String tail)
            throws IOException {
        try (PipelinedWrites connection = new PipelinedWrites(connected())) {
            connection.write(GET_HEAD + "\r\n" + tail); // one write: one segment on loopback
            Received received = receivedUntilClosed(connection.socket().getInputStream());
            assertThat(received.text()).as("the whole first request is answered").startsWith("HTTP/1.1 200");
            assertThat(received.closed()).as("the server closed the connection its unfinished request holds").isTrue();
        }
    }

    /**
     * Between requests a kept-alive connection is idle, not slow: the deadline does not close it, whether the last
     * request ended a segment on its head's blank line, on its body's last byte, or came pipelined behind another in
     * one segment. The quiet waits are {@value #QUIET_DEADLINES} deadlines long: the absence of a close cannot be
     * shown sooner.
     */
    @Test
    void aKeptAliveConnectionOutlivesTheDeadlineBetweenWholeRequests() throws IOException {
        try (PipelinedWrites connection = new PipelinedWrites(connected())) {
            String get = GET_HEAD + "\r\n";

            connection.write(REFUSED_POST);
            // Refused (no token, no such route): any answer that keeps the connection does; its body ended the read.
            assertThat(connection.nextAnswer()).doesNotStartWith("HTTP/1.1 5");
            assertStillOpenAfterQuiet(connection.socket());

            connection.write(get + get);
            assertThat(connection.nextAnswer()).startsWith("HTTP/1.1 200");
            assertThat(connection.nextAnswer()).startsWith("HTTP/1.1 200");
            assertStillOpenAfterQuiet(connection.socket());

            connection.write(GET_HEAD, CLOSING);
            assertThat(connection.nextAnswer()).startsWith("HTTP/1.1 200");
        }
    }

    /** A stray CRLF after a body (RFC 9112 2.2 lets a server skip it) is no next request: no deadline to close on. */
    @Test
    void aBlankLineAfterABodyInTheSameReadStartsNoDeadline() throws IOException {
        try (PipelinedWrites connection = new PipelinedWrites(connected())) {
            connection.write(REFUSED_POST + "\r\n");
            assertThat(connection.nextAnswer()).doesNotStartWith("HTTP/1.1 5");
            assertStillOpenAfterQuiet(connection.socket());

            connection.write(GET_HEAD, CLOSING);
            assertThat(connection.nextAnswer()).startsWith("HTTP/1.1 200");
        }
    }

    private static final int QUIET_DEADLINES = 3;

    private static void assertStillOpenAfterQuiet(Socket socket) throws IOException {
        socket.setSoTimeout((int) REQUEST_READ_TIMEOUT.toMillis() * QUIET_DEADLINES);
        try {
            int next = socket.getInputStream().read();
            throw new AssertionError("the idle kept-alive connection was closed or written to: " + next);
        } catch (SocketTimeoutException stillOpen) {
            // nothing from the server, the connection open: as it should be
        } finally {
            socket.setSoTimeout(CLOSED_WITHIN_MILLIS);
        }
    }

    private record Received(String text, boolean closed) {
    }

    /** What the server wrote until it closed the connection (closed) or wrote nothing within the socket's wait. */
    private static Received receivedUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        boolean closed;
        try {
            for (int read = in.read(chunk); read != -1; read = in.read(chunk)) {
                received.write(chunk, 0, read);
            }
            closed = true;
        } catch (SocketTimeoutException stillOpen) {
            closed = false;
        } catch (IOException reset) {
            closed = true;
        }
        return new Received(received.toString(StandardCharsets.US_ASCII), closed);
    }

    /** True when the server ended the connection; false when nothing came within the socket's wait. */
    private static boolean readUntilClosed(InputStream in) throws IOException {
        try {
            while (in.read() != -1) {
                // whatever the server writes before closing is not asserted
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
