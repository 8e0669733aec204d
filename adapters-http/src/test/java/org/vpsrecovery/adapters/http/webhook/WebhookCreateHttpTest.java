package org.vpsrecovery.adapters.http.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vpsrecovery.adapters.http.facade.FacadeTestWiring.BLUE_TOKEN;
import static org.vpsrecovery.adapters.http.facade.FacadeTestWiring.GREEN_TOKEN;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
        return send(BLUE_TOKEN, method, body);
    }

    private HttpResponse<String> send(String token, String method, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/api/v1/webhooks/"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> create() throws IOException, InterruptedException {
        return create(BLUE_TOKEN, "localhost");
    }

    private HttpResponse<String> create(String token, String host) throws IOException, InterruptedException {
        return send(token, "POST", "{\"url\": \"http://" + host + ":9/hook\", \"event_types\": [\"operation.completed\"]}");
    }

    /**
     * One team's creates naming hosts that hang (a black-holed domain) hold one of the creates' four lookup threads: its
     * first lookup begins and hangs past its limit (its own name: 400, does not resolve), and its others wait for it
     * and are answered 503 with Retry-After, taking no thread; another team's create is checked and made meanwhile
     * (ADR 0025, session 39). Before, each of the team's creates took a thread, four held them all, and the other
     * team's create was answered 503.
     */
    @Test
    void oneTeamsCreatesOfNamesThatHangLeaveAnotherTeamsCreateItsLookup() throws Exception {
        List<Future<HttpResponse<String>>> blue = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            String host = "hang8" + i + ".example";
            blue.add(callers.submit(() -> create(BLUE_TOKEN, host)));
        }
        HangingNamesResolver.HANGING.acquire();
        List<HttpResponse<String>> blueAnswers = new ArrayList<>();
        for (Future<HttpResponse<String>> answer : blue) {
            blueAnswers.add(answer.get());
        }

        HttpResponse<String> green = create(GREEN_TOKEN, "localhost");

        assertThat(green.statusCode()).as(green.body()).isEqualTo(201);
        assertThat(blueAnswers).extracting(HttpResponse::statusCode).as("one hung past its limit, three waited for it")
                .containsExactlyInAnyOrder(400, 503, 503, 503);
        for (HttpResponse<String> busy : blueAnswers.stream().filter(answer -> answer.statusCode() == 503).toList()) {
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("5");
            Map<?, ?> problem = json.readValue(busy.body(), Map.class);
            assertThat(problem.get("reason_code")).isEqualTo("WEBHOOK_TARGET_CHECKS_BUSY");
            assertThat((String) problem.get("detail")).contains("this team's earlier webhook target check");
        }
        assertThat(transport.subscriptionLookupsPastTheirTime()).isEqualTo(1);
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
