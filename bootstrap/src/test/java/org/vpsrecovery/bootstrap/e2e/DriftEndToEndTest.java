package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.application.drift.ScanDriftService;
import org.vpsrecovery.bootstrap.DriftScanJobs;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.LifecycleProfile;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * Issue 14's drift detection over the whole platform (PostgreSQL, the real per-server lock, the simulator,
 * webhooks to a loopback receiver): a snapshot made directly at the simulator and one of the platform's
 * deleted directly there show up in {@code GET /api/v1/audit/drift/} and as {@code drift.detected} webhooks;
 * a snapshot made through the platform does not; a second scan records nothing again. The scan is driven
 * through the job's bean (its timer is set to an hour).
 */
class DriftEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withProfile(LifecycleProfile.FAST),
            PlatformOnSimulator.with(PlatformOnSimulator.QUICK_TRACKING, Map.ofEntries(
                    Map.entry("vpsr.jobs.polling-interval", "200ms"),
                    Map.entry("vpsr.webhooks.allow-loopback", "true"), Map.entry("vpsr.webhooks.dispatch-every", "200ms"),
                    Map.entry("vpsr.drift.pause-between-servers", "0s"))));

    static HttpServer receiver;
    static final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/drift", DriftEndToEndTest::take);
        receiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
    }

    private static void take(HttpExchange exchange) throws IOException {
        try (exchange) {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
        }
    }

    /** A call straight to VPS.org (the simulator), behind the platform's back. */
    private static HttpResponse<String> directly(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(SETUP.simulator().baseUri() + path))
                .header("Authorization", "Bearer " + VpsOrgSimulator.DEMO_TOKEN).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long createThroughThePlatform(String name) {
        Answer created = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"" + name + "\"}");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        assertThat(SETUP.platform().send("GET", "/api/v1/operations/" + created.header("X-Operation-Id") + "/?wait=30",
                RunningPlatform.DEMO_TOKEN, null).get("state")).isEqualTo("completed");
        return ((Number) created.get("id")).longValue();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(Answer answer) {
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(200);
        return (List<Map<String, Object>>) answer.get("results");
    }

    private static long pointId(Map<String, Object> drift) {
        @SuppressWarnings("unchecked")
        Map<String, Object> point = (Map<String, Object>) drift.get("recovery_point");
        return ((Number) point.get("id")).longValue();
    }

    @Test
    void pointsMadeAndDeletedBehindThePlatformsBackAreReportedOnceAndSentAsWebhooks() throws Exception {
        Answer subscribed = SETUP.platform().send("POST", "/api/v1/webhooks/", RunningPlatform.DEMO_TOKEN,
                "{\"url\": \"http://127.0.0.1:" + receiver.getAddress().getPort() + "/drift\", \"event_types\": [\"drift.detected\"]}");
        assertThat(subscribed.status()).as(subscribed.raw().body()).isEqualTo(201);
        long ours = createThroughThePlatform("through-the-platform");
        long deletedBehind = createThroughThePlatform("deleted-behind-its-back");
        HttpResponse<String> made = directly("POST", "/api/v1/snapshots/", "{\"server_id\": 12345, \"name\": \"made-behind-its-back\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        long madeBehind = ((Number) SETUP.platform().json.readValue(made.body(), Map.class).get("id")).longValue();
        assertThat(directly("DELETE", "/api/v1/snapshots/" + deletedBehind + "/", null).statusCode()).isEqualTo(204);

        DriftScanJobs scans = SETUP.platform().context.getBean(DriftScanJobs.class);
        ScanDriftService.Round round = scans.scanRound(Optional.empty());
        assertThat(round.passedOver()).isZero();

        List<Map<String, Object>> drifts = results(SETUP.platform().send("GET", "/api/v1/audit/drift/?server_id=12345",
                RunningPlatform.DEMO_TOKEN, null));
        assertThat(drifts).filteredOn(d -> pointId(d) == madeBehind).singleElement().satisfies(d -> {
            assertThat(d).containsEntry("kind", "created_outside").containsEntry("team", "demo")
                    .containsEntry("server_id", 12345).containsEntry("open", true);
            assertThat((String) d.get("seen")).contains("made-behind-its-back");
        });
        assertThat(drifts).filteredOn(d -> pointId(d) == deletedBehind).singleElement()
                .satisfies(d -> assertThat(d).containsEntry("kind", "deleted_outside").containsEntry("open", false));
        assertThat(drifts).noneSatisfy(d -> assertThat(pointId(d)).isEqualTo(ours));
        // The seeded snapshots predate the platform: made by no create through it, so reported too.
        assertThat(drifts).extracting(DriftEndToEndTest::pointId).contains(801L, 798L);
        assertThat(results(SETUP.platform().send("GET", "/api/v1/audit/drift/?kind=deleted_outside", RunningPlatform.DEMO_TOKEN, null)))
                .extracting(DriftEndToEndTest::pointId).containsExactly(deletedBehind);

        // The webhooks: one drift.detected per drift, naming the point and the kind.
        List<String> bodies = new ArrayList<>();
        await("both drifts reach the receiver").atMost(Duration.ofSeconds(30)).until(() -> {
            received.drainTo(bodies);
            return bodies.stream().anyMatch(b -> b.contains("\"id\":" + madeBehind + "}"))
                    && bodies.stream().anyMatch(b -> b.contains("\"id\":" + deletedBehind + "}"));
        });
        assertThat(bodies).filteredOn(b -> b.contains("\"id\":" + madeBehind + "}")).singleElement().satisfies(b ->
                assertThat(b).contains("\"type\":\"drift.detected\"").contains("\"drift_kind\":\"created_outside\"")
                        .contains("\"operation\":\"drift_detected\""));
        assertThat(bodies).filteredOn(b -> b.contains("\"id\":" + deletedBehind + "}")).singleElement()
                .satisfies(b -> assertThat(b).contains("\"drift_kind\":\"deleted_outside\""));
        assertThat(bodies).noneSatisfy(b -> assertThat(b).contains("\"id\":" + ours + "}"));

        // A second scan: the drifts persist, and are not recorded again.
        assertThat(scans.scanRound(Optional.empty()).detected()).isZero();
        assertThat(results(SETUP.platform().send("GET", "/api/v1/audit/drift/?server_id=12345", RunningPlatform.DEMO_TOKEN, null)))
                .hasSameSizeAs(drifts);

        // The point made outside is deleted (through the platform, once VPS.org has finished it): its drift is resolved.
        await().atMost(Duration.ofSeconds(30)).until(() -> results(SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345",
                RunningPlatform.DEMO_TOKEN, null)).stream().anyMatch(s -> ((Number) s.get("id")).longValue() == madeBehind
                && "completed".equals(s.get("status"))));
        assertThat(SETUP.platform().send("DELETE", "/api/v1/snapshots/" + madeBehind + "/", RunningPlatform.DEMO_TOKEN, null).status())
                .isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> scans.scanRound(Optional.empty()).resolved() == 1);
        assertThat(results(SETUP.platform().send("GET", "/api/v1/audit/drift/?kind=created_outside&server_id=12345",
                RunningPlatform.DEMO_TOKEN, null))).filteredOn(d -> pointId(d) == madeBehind).singleElement()
                .satisfies(d -> assertThat(d).containsEntry("open", false).containsEntry("resolution", "no longer listed at VPS.org"));
    }

    @Test
    void aBackupMadeOutsideWhoseDescriptionHoldsANulIsRecordedAndItsServerNotPassedOver() throws Exception {
        // VPS.org lets a NUL through in a description; PostgreSQL's jsonb refuses one (22P05), so stored as it came it
        // failed the drift's audit event and every later scan of the server.
        HttpResponse<String> made = directly("POST", "/api/v1/backups/", "{\"server_id\": 12345, \"description\": \"a\\u0000b\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        long madeBehind = ((Number) SETUP.platform().json.readValue(made.body(), Map.class).get("id")).longValue();

        ScanDriftService.Round round = SETUP.platform().context.getBean(DriftScanJobs.class).scanRound(Optional.empty());

        assertThat(round.passedOver()).isZero();
        assertThat(results(SETUP.platform().send("GET", "/api/v1/audit/drift/?server_id=12345&kind=created_outside",
                RunningPlatform.DEMO_TOKEN, null))).filteredOn(d -> ((String) d.get("seen")).contains("backup \"a"))
                .singleElement().satisfies(d -> {
                    assertThat(pointId(d)).isEqualTo(madeBehind);
                    assertThat((String) d.get("seen")).contains("\"a\uFFFDb\"");
                });
    }

    @Test
    void aTeamReadsItsOwnDriftAnAuditorEveryTeamsInKeysetPages() {
        SETUP.platform().context.getBean(DriftScanJobs.class).scanRound(Optional.empty());

        assertThat(results(SETUP.platform().send("GET", "/api/v1/audit/drift/", RunningPlatform.OTHER_TOKEN, null)))
                .allSatisfy(d -> assertThat(d).containsEntry("team", "other-team"));
        Answer refused = SETUP.platform().send("GET", "/api/v1/audit/drift/?team=demo", RunningPlatform.OTHER_TOKEN, null);
        assertThat(refused.status()).isEqualTo(403);
        List<Map<String, Object>> all = results(SETUP.platform().send("GET", "/api/v1/audit/drift/", RunningPlatform.AUDITOR_TOKEN, null));
        assertThat(all).extracting(d -> d.get("team")).contains("demo");

        List<Object> paged = new ArrayList<>();
        String path = "/api/v1/audit/drift/?limit=1";
        for (int pages = 0; pages < 100; pages++) {
            Answer page = SETUP.platform().send("GET", path, RunningPlatform.AUDITOR_TOKEN, null);
            results(page).forEach(d -> paged.add(d.get("id")));
            if (page.get("next") == null) {
                break;
            }
            path = "/api/v1/audit/drift/?limit=1&cursor=" + page.get("next");
        }
        assertThat(paged).isEqualTo(all.stream().map(d -> d.get("id")).toList());
    }

    @Test
    void badQueriesAreProblemsWithAReasonCode() {
        Map<String, String> refusals = Map.of(
                "?kind=bogus", "INVALID_QUERY_PARAMETER",
                "?colour=red", "UNKNOWN_QUERY_PARAMETER",
                "?cursor=not-a-cursor", "INVALID_CURSOR",
                "?since=yesterday", "INVALID_TIME_RANGE",
                "?limit=0", "PAGE_SIZE_OUT_OF_RANGE",
                "?server_id=-1", "INVALID_QUERY_PARAMETER");
        refusals.forEach((query, reason) -> {
            Answer answer = SETUP.platform().send("GET", "/api/v1/audit/drift/" + query, RunningPlatform.DEMO_TOKEN, null);
            assertThat(answer.status()).as(query).isEqualTo(400);
            assertThat(answer.contentType()).as(query).startsWith("application/problem+json");
            assertThat(answer.body()).as(query).containsEntry("reason_code", reason);
        });
    }
}
