package org.vpsrecovery.adapters.http.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.TargetAddressRules;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * A receiver answers 200 with a Content-Encoding its body does not have (one HttpClient does not know, or gzip on
 * plain bytes), many more times than the connection pool holds (5 per route): every delivery still gets its answer,
 * and so does a plain one after them (ADR 0025, amended in session 54). HttpClient 5.5's response decompression can
 * keep a connection leased when decoding fails (CVE-2026-64607); the transport now turns it off, as it never reads
 * the body, and sends no Accept-Encoding. The leak itself was not shown on 5.5 through this transport: with
 * decompression on, every delivery here was answered too (5.5 ignores unknown encodings, decodes lazily, and the body
 * is dropped unread), only the Accept-Encoding check failed. The deliveries stay as a guard: a pool left leased would
 * answer the 6th "no answer" after the 1 s wait for a connection.
 */
class WebhookTransportContentEncodingTest {

    private static final int DELIVERIES = 20;

    @ParameterizedTest
    @ValueSource(strings = {"x-bogus", "gzip"})
    void aContentEncodingTheBodyDoesNotHaveHoldsNoConnection(String encoding) throws Exception {
        AtomicInteger received = new AtomicInteger();
        List<String> acceptEncodings = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        receiver.setExecutor(threads);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.incrementAndGet();
            acceptEncodings.addAll(exchange.getRequestHeaders().getOrDefault("Accept-Encoding", List.of()));
            byte[] body = "not encoded at all".getBytes(StandardCharsets.US_ASCII);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.getResponseHeaders().set("Content-Encoding", encoding);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException hungUp) {
                // the client drops the connection without reading the body
            }
        });
        receiver.createContext("/plain", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try (ApacheWebhookTransport transport = new ApacheWebhookTransport(Duration.ofSeconds(1),
                Duration.ofSeconds(2), new TargetAddressRules(true, false))) {
            String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
            List<WebhookTransport.Response> answers = new ArrayList<>();
            for (int i = 0; i < DELIVERIES; i++) {
                answers.add(transport.post(new TeamId("blue"), new WebhookTarget(URI.create(base + "/hook")),
                        Map.of("webhook-id", "msg_" + i), "{}"));
            }
            WebhookTransport.Response later = transport.post(new TeamId("blue"),
                    new WebhookTarget(URI.create(base + "/plain")), Map.of("webhook-id", "msg_later"), "{}");

            assertThat(answers).hasSize(DELIVERIES).containsOnly(new WebhookTransport.Answered(200));
            assertThat(later).isEqualTo(new WebhookTransport.Answered(204));
            assertThat(received).hasValue(DELIVERIES + 1);
            // What shows the decompression off: no receiver is invited to compress.
            assertThat(acceptEncodings).isEmpty();
        } finally {
            receiver.stop(0);
            threads.shutdownNow();
        }
    }
}
