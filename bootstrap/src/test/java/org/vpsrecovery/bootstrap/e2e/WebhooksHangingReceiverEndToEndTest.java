package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * A receiver that never answers holds at most its own slot of the job threads (ADR 0025, amended in session 37), and
 * one team's hanging receivers, on several hosts, at most that team's share of the slots (session 38): the demo team
 * subscribes two hanging hosts three times each, more than the scheduler's four threads, and while they hold their
 * requests open the other team's delivery to another receiver still arrives. Without the slots every thread waited on
 * the hanging receivers (their answer timeout is ten minutes here) and the other team's delivery never came; without
 * the team's share the demo team's two hosts took both slots, with the same end. No timing is asserted: the hanging
 * receivers answer nothing until the test ends.
 */
class WebhooksHangingReceiverEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(), Map.of(
            "vpsr.jobs.polling-interval", "200ms", "vpsr.webhooks.allow-loopback", "true",
            "vpsr.webhooks.dispatch-every", "200ms", "vpsr.webhooks.answer-timeout", "10m",
            "vpsr.webhooks.no-slot-retry", "500ms"));

    static HttpServer receivers;
    /** The demo team's second hanging host: another loopback address. */
    static HttpServer secondHost;
    static ExecutorService receiverThreads;
    static final CountDownLatch release = new CountDownLatch(1);
    static final AtomicInteger hangingOpen = new AtomicInteger();
    static final AtomicInteger hangingAnswered = new AtomicInteger();
    static final BlockingQueue<String> otherTeamReceived = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws IOException {
        receivers = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiverThreads = Executors.newCachedThreadPool();
        receivers.setExecutor(receiverThreads);
        receivers.createContext("/hangs", WebhooksHangingReceiverEndToEndTest::hang);
        receivers.createContext("/answers", exchange -> answer(exchange));
        receivers.start();
        secondHost = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
        secondHost.setExecutor(receiverThreads);
        secondHost.createContext("/hangs", WebhooksHangingReceiverEndToEndTest::hang);
        secondHost.start();
    }

    private static void hang(HttpExchange exchange) throws IOException {
        hangingOpen.incrementAndGet();
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            release.await();
            hangingAnswered.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            otherTeamReceived.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
        }
    }

    @AfterAll
    static void stop() {
        release.countDown(); // before the platform stops: its attempts end, answered
        receivers.stop(0);
        secondHost.stop(0);
        receiverThreads.shutdownNow();
    }

    private static String url(String path) {
        // A host per receiver as the slots count it: the same port, two names of loopback.
        return "http://" + path + ":" + receivers.getAddress().getPort() + "/" + (path.equals("localhost") ? "hangs" : "answers");
    }

    private static String secondHangingUrl() {
        return "http://127.0.0.2:" + secondHost.getAddress().getPort() + "/hangs";
    }

    private static void subscribe(String token, String url) {
        Answer created = SETUP.platform().send("POST", "/api/v1/webhooks/", token,
                "{\"url\": \"" + url + "\", \"event_types\": [\"request.rejected\"]}");
        assertThat(created.status()).isEqualTo(201);
    }

    /** A refused request (a server the team does not own): a REJECTED event, sent as request.rejected. */
    private static void rejectedRequest(String token, String requestId) {
        Answer refused = SETUP.platform().send("POST", "/api/v1/snapshots/", token,
                "{\"server_id\": 999999, \"name\": \"not-ours\"}", Map.of("X-Request-Id", requestId));
        assertThat(refused.status()).isBetween(400, 499);
    }

    @Test
    void anotherTeamsDeliveryArrivesWhileAReceiverHoldsItsRequestsOpen() {
        for (int i = 0; i < 3; i++) {
            subscribe(RunningPlatform.DEMO_TOKEN, url("localhost"));
            subscribe(RunningPlatform.DEMO_TOKEN, secondHangingUrl());
        }
        subscribe(RunningPlatform.OTHER_TOKEN, url("127.0.0.1"));

        rejectedRequest(RunningPlatform.DEMO_TOKEN, "hang-demo");
        await("the hanging receiver holds a request open").atMost(Duration.ofSeconds(60))
                .until(() -> hangingOpen.get() >= 1);
        rejectedRequest(RunningPlatform.OTHER_TOKEN, "other-team");

        String delivered = await("the other team's delivery arrives").atMost(Duration.ofSeconds(60))
                .until(() -> otherTeamReceived.stream().filter(body -> body.contains("other-team")).findFirst().orElse(null),
                        java.util.Objects::nonNull);
        assertThat(delivered).contains("request.rejected");
        assertThat(hangingAnswered).as("the hanging receiver answered nothing meanwhile").hasValue(0);
        assertThat(hangingOpen.get()).as("one team holds at most its share, one of the two slots").isEqualTo(1);
    }
}
