package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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

    private static final byte[] HEAD = ("GET /api/v1/snapshots/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Authorization: Bearer " + RunningPlatform.DEMO_TOKEN + "\r\n").getBytes(StandardCharsets.US_ASCII);

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
            socket.getOutputStream().write("Connection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200");
        }
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
