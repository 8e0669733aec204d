package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.CreationOutcome;
import org.vpsrecovery.simulator.ForcedOutcome;
import org.vpsrecovery.simulator.LifecycleProfile;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Issue 11's webhooks over HTTP: a team subscribes a loopback receiver, a snapshot is made and
 * followed to completed at the simulator ("fast" profile), and the receiver gets the event signed
 * as the Standard Webhooks specification says, checked here with an HMAC the test computes itself.
 * A receiver that always fails is retried by db-scheduler with backoff and ends dead in the log.
 */
class WebhooksEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withProfile(LifecycleProfile.FAST),
            PlatformOnSimulator.with(PlatformOnSimulator.QUICK_TRACKING, Map.ofEntries(
                    Map.entry("vpsr.jobs.polling-interval", "200ms"),
                    Map.entry("vpsr.restore-window", "0s"), Map.entry("vpsr.reconcile.settle-after", "1s"),
                    Map.entry("vpsr.webhooks.allow-loopback", "true"), Map.entry("vpsr.webhooks.dispatch-every", "200ms"),
                    Map.entry("vpsr.webhooks.first-retry", "200ms"), Map.entry("vpsr.webhooks.max-attempts", "3"))));

    static HttpServer receiver;
    static final BlockingQueue<Received> accepted = new LinkedBlockingQueue<>();
    static final BlockingQueue<Received> refused = new LinkedBlockingQueue<>();

    record Received(Map<String, String> headers, String body) {
    }

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/ok", exchange -> answer(exchange, accepted, 200));
        receiver.createContext("/failing", exchange -> answer(exchange, refused, 500));
        receiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
    }

    /** The next delivery the receiver took that names {@code operation}; others (earlier tests' events) are passed over. */
    private static Received deliveryOf(String operation) {
        for (Received next = accepted.poll(); next != null; next = accepted.poll()) {
            if (next.body().contains(operation)) {
                return next;
            }
        }
        return null;
    }

    private static void answer(HttpExchange exchange, BlockingQueue<Received> into, int status) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.getFirst()));
            into.add(new Received(headers, body));
            exchange.sendResponseHeaders(status, -1);
        }
    }

    private static String receiverUrl(String path) {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
    }

    private static Answer subscribe(String token, String url, String... types) {
        String list = String.join(", ", java.util.Arrays.stream(types).map(t -> "\"" + t + "\"").toList());
        return SETUP.platform().send("POST", "/api/v1/webhooks/", token, "{\"url\": \"" + url + "\", \"event_types\": [" + list + "]}");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> deliveries(String webhook) {
        Answer log = SETUP.platform().send("GET", "/api/v1/webhooks/" + webhook + "/deliveries/", RunningPlatform.DEMO_TOKEN, null);
        assertThat(log.status()).isEqualTo(200);
        return (List<Map<String, Object>>) log.get("results");
    }

    private static Map<String, Object> json(String body) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = SETUP.platform().json.readValue(body, Map.class);
            return parsed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aCompletedSnapshotIsDeliveredSignedToTheTeamsReceiver() throws InterruptedException {
        Answer created = subscribe(RunningPlatform.DEMO_TOKEN, receiverUrl("/ok"), "operation.completed");
        assertThat(created.status()).isEqualTo(201);
        String webhook = (String) created.get("id");
        String secret = (String) created.get("secret");
        assertThat(secret).startsWith("whsec_");
        Answer read = SETUP.platform().send("GET", "/api/v1/webhooks/" + webhook + "/", RunningPlatform.DEMO_TOKEN, null);
        assertThat(read.body()).containsEntry("url", receiverUrl("/ok")).doesNotContainKey("secret");
        assertThat(read.raw().body()).doesNotContain(secret.substring(6));
        assertThat(SETUP.platform().send("GET", "/api/v1/webhooks/", RunningPlatform.DEMO_TOKEN, null).raw().body())
                .contains(webhook).doesNotContain(secret.substring(6));

        Answer snapshot = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"hooked\"}", Map.of("X-Request-Id", "hook-create"));
        assertThat(snapshot.status()).isEqualTo(201);
        String operation = snapshot.header("X-Operation-Id");
        assertThat(SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/?wait=30", RunningPlatform.DEMO_TOKEN, null)
                .get("state")).isEqualTo("completed");
        // The same story in the audit history (taken, then established) and in the recoverability report.
        assertThat(SETUP.platform().auditOf("hook-create")).extracting(r -> r.event().outcome().kind().name())
                .containsSubsequence("ACCEPTED", "SUBMITTED", "COMPLETED");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> servers = (List<Map<String, Object>>) SETUP.platform().send("GET",
                "/api/v1/audit/recoverability/", RunningPlatform.DEMO_TOKEN, null).get("servers");
        assertThat(servers).filteredOn(server -> Integer.valueOf(12345).equals(server.get("server_id")))
                .singleElement().satisfies(server -> assertThat(server.get("last_completed_create")).isNotNull());

        Received delivery = await("the completed event reaches the receiver").atMost(Duration.ofSeconds(30))
                .until(() -> deliveryOf(operation), java.util.Objects::nonNull);
        String id = delivery.headers().get("webhook-id");
        String timestamp = delivery.headers().get("webhook-timestamp");
        assertThat(id).startsWith("msg_");
        assertThat(delivery.headers().get("webhook-signature"))
                .isEqualTo(StandardWebhookSignature.of(secret, id + "." + timestamp + "." + delivery.body()));
        assertThat(delivery.headers().get("content-type")).startsWith("application/json");
        Map<String, Object> message = json(delivery.body());
        assertThat(message).containsEntry("type", "operation.completed");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) message.get("data");
        assertThat(data).containsEntry("operation_id", operation).containsEntry("operation", "create_snapshot")
                .containsEntry("server_id", 12345).containsEntry("request_id", "hook-create")
                .containsEntry("outcome", "COMPLETED").containsEntry("team", "demo");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(deliveries(webhook))
                .anySatisfy(d -> {
                    assertThat(d).containsEntry("state", "delivered").containsEntry("attempts", 1)
                            .containsEntry("last_status_code", 200).containsEntry("event_type", "operation.completed");
                    assertThat(d.get("delivered_at")).isNotNull();
                }));
    }

    @Test
    void aSnapshotThatFailsAtVpsOrgEndsFailedInTheOperationTheHistoryAndTheDelivery() throws InterruptedException {
        Answer created = subscribe(RunningPlatform.DEMO_TOKEN, receiverUrl("/ok"), "operation.failed");
        assertThat(created.status()).isEqualTo(201);
        String secret = (String) created.get("secret");
        SETUP.simulator().lifecycle().force(ForcedOutcome.of(CreationOutcome.FAILED).forSnapshots());

        Answer snapshot = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"doomed\"}", Map.of("X-Request-Id", "hook-fail"));
        assertThat(snapshot.status()).as("VPS.org takes it: in_progress").isEqualTo(201);
        String operation = snapshot.header("X-Operation-Id");
        assertThat(SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/?wait=30", RunningPlatform.DEMO_TOKEN, null)
                .get("state")).isEqualTo("failed");
        // Taken, then established failed at VPS.org: never COMPLETED.
        assertThat(SETUP.platform().auditOf("hook-fail")).extracting(r -> r.event().outcome().kind().name())
                .containsSubsequence("ACCEPTED", "SUBMITTED", "FAILED").doesNotContain("COMPLETED");

        Received delivery = await("the failed event reaches the receiver").atMost(Duration.ofSeconds(30))
                .until(() -> deliveryOf(operation), java.util.Objects::nonNull);
        assertThat(delivery.headers().get("webhook-signature")).isEqualTo(StandardWebhookSignature.of(secret,
                delivery.headers().get("webhook-id") + "." + delivery.headers().get("webhook-timestamp") + "." + delivery.body()));
        Map<String, Object> message = json(delivery.body());
        assertThat(message).containsEntry("type", "operation.failed");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) message.get("data");
        assertThat(data).containsEntry("operation_id", operation).containsEntry("outcome", "FAILED");
    }

    @Test
    void aFailingReceiverIsRetriedWithBackoffThenTheDeliveryIsDead() {
        Answer created = subscribe(RunningPlatform.DEMO_TOKEN, receiverUrl("/failing"), "operation.submitted");
        assertThat(created.status()).isEqualTo(201);
        String webhook = (String) created.get("id");

        Answer backup = SETUP.platform().send("POST", "/api/v1/backups/", RunningPlatform.DEMO_TOKEN, "{\"server_id\": 12345}");
        assertThat(backup.status()).isEqualTo(201);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(deliveries(webhook)).singleElement()
                .satisfies(d -> assertThat(d).containsEntry("state", "dead").containsEntry("attempts", 3)
                        .containsEntry("last_status_code", 500).containsEntry("last_error", "the receiver answered 500")));
        String messageId = refused.stream().map(r -> r.headers().get("webhook-id")).findFirst().orElseThrow();
        List<Received> attempts = refused.stream().filter(r -> messageId.equals(r.headers().get("webhook-id"))).toList();
        assertThat(attempts).as("one message, three attempts, each freshly timestamped and signed").hasSize(3);
        assertThat(attempts).extracting(Received::body).containsOnly(attempts.getFirst().body());
    }

    @Test
    void badSubscriptionsAreRefusedWithAReasonAndOtherTeamsSeeNothing() {
        Answer metadata = subscribe(RunningPlatform.DEMO_TOKEN, "http://169.254.169.254/latest/meta-data", "operation.failed");
        assertThat(metadata.status()).isEqualTo(400);
        assertThat(metadata.contentType()).startsWith("application/problem+json");
        assertThat(metadata.get("reason_code")).isEqualTo("WEBHOOK_TARGET_REFUSED");
        assertThat(subscribe(RunningPlatform.DEMO_TOKEN, "http://10.0.0.1/hook", "operation.failed").get("reason_code"))
                .isEqualTo("WEBHOOK_TARGET_REFUSED");
        assertThat(subscribe(RunningPlatform.DEMO_TOKEN, "http://[::ffff:169.254.169.254]/", "operation.failed")
                .get("reason_code")).isEqualTo("WEBHOOK_TARGET_REFUSED");
        Answer credentials = subscribe(RunningPlatform.DEMO_TOKEN, "https://user:pw@hooks.example.com/", "operation.failed");
        assertThat(credentials.status()).isEqualTo(400);
        assertThat(credentials.get("reason_code")).isEqualTo("INVALID_FIELD");
        assertThat(credentials.raw().body()).doesNotContain("pw@");
        assertThat(subscribe(RunningPlatform.DEMO_TOKEN, "gopher://127.0.0.1/", "operation.failed").get("reason_code"))
                .isEqualTo("INVALID_FIELD");
        assertThat(subscribe(RunningPlatform.DEMO_TOKEN, receiverUrl("/ok"), "operation.everything").get("field"))
                .isEqualTo("event_types");
        assertThat(SETUP.platform().send("POST", "/api/v1/webhooks/", RunningPlatform.DEMO_TOKEN, "{\"url\": \"" + receiverUrl("/ok")
                + "\", \"event_types\": []}").get("reason_code")).isEqualTo("INVALID_FIELD");

        Answer mine = subscribe(RunningPlatform.DEMO_TOKEN, receiverUrl("/ok"), "request.rejected");
        String webhook = (String) mine.get("id");
        Answer theirs = SETUP.platform().send("GET", "/api/v1/webhooks/" + webhook + "/", RunningPlatform.OTHER_TOKEN, null);
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(theirs.get("reason_code")).isEqualTo("WEBHOOK_NOT_FOUND");
        assertThat(SETUP.platform().send("GET", "/api/v1/webhooks/" + webhook + "/deliveries/", RunningPlatform.OTHER_TOKEN, null)
                .status()).isEqualTo(404);
        assertThat(SETUP.platform().send("DELETE", "/api/v1/webhooks/" + webhook + "/", RunningPlatform.OTHER_TOKEN, null)
                .status()).isEqualTo(404);
        assertThat(SETUP.platform().send("GET", "/api/v1/webhooks/", RunningPlatform.OTHER_TOKEN, null).get("count")).isEqualTo(0);
        assertThat(SETUP.platform().send("GET", "/api/v1/webhooks/", RunningPlatform.AUDITOR_TOKEN, null).status()).isEqualTo(403);
        assertThat(SETUP.platform().send("GET", "/api/v1/webhooks/not-a-uuid/", RunningPlatform.DEMO_TOKEN, null)
                .get("reason_code")).isEqualTo("INVALID_ID");
        assertThat(SETUP.platform().send("GET", "/api/v1/webhooks/" + webhook + "/deliveries/?limit=0", RunningPlatform.DEMO_TOKEN,
                null).get("reason_code")).isEqualTo("PAGE_SIZE_OUT_OF_RANGE");

        assertThat(SETUP.platform().send("DELETE", "/api/v1/webhooks/" + webhook + "/", RunningPlatform.DEMO_TOKEN, null).status())
                .isEqualTo(204);
        assertThat(SETUP.platform().send("GET", "/api/v1/webhooks/" + webhook + "/", RunningPlatform.DEMO_TOKEN, null).status())
                .isEqualTo(404);
    }
}
