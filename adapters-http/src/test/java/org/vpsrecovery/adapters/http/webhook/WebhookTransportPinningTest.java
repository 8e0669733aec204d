package org.vpsrecovery.adapters.http.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.TargetAddressRules;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * The connection goes only to addresses the SSRF rules judged, on the very resolution it connects
 * with: a name that resolves to a refused address by the time of the connection (DNS rebinding
 * after the guard's check) is never connected to. Real HTTP on loopback; loopback is what the
 * rules refuse unless allowed.
 */
class WebhookTransportPinningTest {

    private HttpServer receiver;
    private final AtomicInteger received = new AtomicInteger();

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private WebhookTarget target(String host) {
        return new WebhookTarget(URI.create("http://" + host + ":" + receiver.getAddress().getPort() + "/hook"));
    }

    private static WebhookTransport.Response post(TargetAddressRules rules, WebhookTarget target) {
        try (ApacheWebhookTransport transport = new ApacheWebhookTransport(Duration.ofSeconds(2), Duration.ofSeconds(5), rules)) {
            return transport.post(new TeamId("blue"), target, Map.of("webhook-id", "msg_1"), "{}");
        }
    }

    @Test
    void aNameThatResolvesToARefusedAddressAtConnectionTimeIsNeverConnectedTo() {
        WebhookTransport.Response response = post(TargetAddressRules.PUBLIC_ONLY, target("localhost"));

        assertThat(response).isInstanceOfSatisfying(WebhookTransport.NoAnswer.class,
                noAnswer -> assertThat(noAnswer.reason()).startsWith("target refused at connection").contains("loopback"));
        assertThat(received).hasValue(0);
    }

    @Test
    void anAddressLiteralIsJudgedToo() {
        WebhookTransport.Response response = post(TargetAddressRules.PUBLIC_ONLY, target("127.0.0.1"));

        assertThat(response).isInstanceOf(WebhookTransport.NoAnswer.class);
        assertThat(received).hasValue(0);
    }

    @Test
    void anAllowedAddressIsSentToByNameWithTheHeaders() {
        WebhookTransport.Response response = post(new TargetAddressRules(true, false), target("localhost"));

        assertThat(response).isEqualTo(new WebhookTransport.Answered(204));
        assertThat(received).hasValue(1);
    }
}
