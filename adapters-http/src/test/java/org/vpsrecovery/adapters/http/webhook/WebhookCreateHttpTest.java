package org.vpsrecovery.adapters.http.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vpsrecovery.adapters.http.facade.FacadeTestWiring.BLUE_TOKEN;

import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookTransport;

/**
 * {@code POST /api/v1/webhooks/} over real HTTP on loopback, the real use case and transport behind it (ADR 0025,
 * session 38). Hanging names ({@link HangingNamesResolver}) hold the four threads that look up new subscriptions'
 * hosts; a create behind them is answered 503 with Retry-After, not refused as a host that does not resolve. No timing
 * is asserted: the test waits until the hanging lookups have begun, and the lookups' own limit (half a second) ends
 * the queued one.
 */
@MicronautTest(environments = "test")
class WebhookCreateHttpTest {

    @Inject
    EmbeddedServer server;
    @Inject
    ApacheWebhookTransport transport;
    @Inject
    JsonMapper json;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void release() {
        HangingNamesResolver.releaseAll();
        callers.shutdownNow();
    }

    private HttpResponse<String> send(String method, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/api/v1/webhooks/"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + BLUE_TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> create() throws IOException, InterruptedException {
        return send("POST", "{\"url\": \"http://localhost:9/hook\", \"event_types\": [\"operation.completed\"]}");
    }

    @Test
    void aCreateWhoseLookupNeverBeganIsAnswered503WithRetryAfterAndNothingIsStored() throws Exception {
        WebhookTransport checks = transport.subscriptionChecks();
        for (int i = 1; i <= 4; i++) {
            String host = "hang5" + i + ".example";
            TeamId team = new TeamId("other" + i);
            callers.submit(() -> checks.resolve(team, host));
        }
        HangingNamesResolver.HANGING.acquire(4);

        HttpResponse<String> busy = create();

        assertThat(busy.statusCode()).as(busy.body()).isEqualTo(503);
        assertThat(busy.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        assertThat(busy.headers().firstValue("Retry-After")).hasValue("5");
        Map<?, ?> problem = json.readValue(busy.body(), Map.class);
        assertThat(problem.get("status")).isEqualTo(503);
        assertThat(problem.get("reason_code")).isEqualTo("WEBHOOK_TARGET_CHECKS_BUSY");
        assertThat(busy.body()).doesNotContain("Exception", "\tat ");
        assertThat(json.readValue(send("GET", null).body(), Map.class).get("count")).as("nothing stored").isEqualTo(0);

        HangingNamesResolver.releaseAll();
        // The released lookups end on their own threads; a create coming back meanwhile is told the same again.
        HttpResponse<String> later = await("a create after the lookups were released").atMost(Duration.ofSeconds(30))
                .until(this::create, answer -> answer.statusCode() != 503);
        assertThat(later.statusCode()).as(later.body()).isEqualTo(201);
    }
}
