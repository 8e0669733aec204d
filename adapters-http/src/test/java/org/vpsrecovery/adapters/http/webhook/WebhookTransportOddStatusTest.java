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
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.TargetAddressRules;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * A receiver whose status line carries a code HTTP does not define: HttpClient passes it on as it is, and the
 * transport answers it as such, never an exception, so the application can log the attempt as failed (ADR 0025,
 * amended in session 37). Real HTTP on loopback from a socket that writes the status line itself.
 */
class WebhookTransportOddStatusTest {

    @Test
    void aStatusLineOf600IsAnsweredAs600NotAsAnError() throws Exception {
        for (String status : new String[] {"600", "999"}) {
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                Thread answering = Thread.ofPlatform().daemon().start(() -> answerOnce(server, status));
                WebhookTransport.Response response;
                try (ApacheWebhookTransport transport = new ApacheWebhookTransport(Duration.ofSeconds(5),
                        Duration.ofSeconds(10), new TargetAddressRules(true, false))) {
                    response = transport.post(new TeamId("blue"),
                            new WebhookTarget(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/hook")),
                            Map.of("webhook-id", "msg_1"), "{}");
                }
                answering.join();
                assertThat(response).isEqualTo(new WebhookTransport.Answered(Integer.parseInt(status)));
                assertThat(((WebhookTransport.Answered) response).isHttpStatus()).isFalse();
            }
        }
    }

    private static void answerOnce(ServerSocket server, String status) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            // Read the request's head; the body (2 bytes) may stay unread: the answer closes the connection.
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 " + status + " x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
