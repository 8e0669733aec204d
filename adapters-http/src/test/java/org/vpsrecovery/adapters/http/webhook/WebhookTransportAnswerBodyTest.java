package org.vpsrecovery.adapters.http.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.TargetAddressRules;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * A receiver that took the message answers 200, then sends a body the platform has no use for: large, trickling, or
 * stalling after a few bytes. The status is the answer; the body is dropped, not read (ADR 0025, amended in session
 * 49). Before, closing the response drained the body, and the cut-off at the whole-exchange limit turned the 2xx into
 * "no whole answer": the message was sent again and the delivery could end dead though the receiver had it each time.
 * Real HTTP on loopback from a socket that writes the answer itself.
 */
class WebhookTransportAnswerBodyTest {

    enum Body { LARGE, TRICKLING, STALLING }

    @ParameterizedTest
    @EnumSource(Body.class)
    void a2xxIsTheAnswerWhateverItsBodyDoes(Body body) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answering = Thread.ofPlatform().daemon().start(() -> answerOnce(server, body));
            WebhookTransport.Response response;
            try (ApacheWebhookTransport transport = new ApacheWebhookTransport(Duration.ofSeconds(1),
                    Duration.ofSeconds(2), new TargetAddressRules(true, false))) {
                response = transport.post(new TeamId("blue"),
                        new WebhookTarget(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/hook")),
                        Map.of("webhook-id", "msg_1"), "{}");
            }
            answering.join();
            assertThat(response).isEqualTo(new WebhookTransport.Answered(200));
        }
    }

    private static void answerOnce(ServerSocket server, Body body) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2000000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Each body goes on past the 2 s answer and 3 s whole-exchange limits unless the client hangs up.
            switch (body) {
                case LARGE -> {
                    byte[] chunk = new byte[65536];
                    for (int i = 0; i < 30_000; i++) {
                        out.write(chunk);
                    }
                }
                case TRICKLING -> {
                    for (int i = 0; i < 10; i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(500);
                    }
                }
                case STALLING -> {
                    out.write("0123456789".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(4_000);
                }
            }
        } catch (IOException | InterruptedException hungUp) {
            // The client dropped the connection: what a receiver sees when its body is not read.
        }
    }
}
