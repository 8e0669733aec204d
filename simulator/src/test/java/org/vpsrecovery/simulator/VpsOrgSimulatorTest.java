package org.vpsrecovery.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator on its own, over HTTP with the JDK client: the admin API, the seed, and the
 * provider's input checks that the platform's adapter never triggers (its domain types forbid them).
 */
class VpsOrgSimulatorTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private VpsOrgSimulator simulator;

    @BeforeEach
    void start() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void startsOnAFreeLoopbackPortAndAnswersTheDemoToken() throws Exception {
        assertThat(simulator.port()).isPositive();
        assertThat(simulator.baseUri().getHost()).isEqualTo("127.0.0.1");

        HttpResponse<String> response = send("GET", "/api/v1/snapshots/", null, "demo-token");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(response.body()).path("count").asInt()).isEqualTo(2);
    }

    @Test
    void theSeedIsShiftedSoThatAutomaticBackupsAreCurrent() throws Exception {
        JsonNode backups = json.readTree(send("GET", "/api/v1/backups/?backup_type=automatic", null, "demo-token").body());

        assertThat(backups.path("count").asInt()).isEqualTo(2);
        for (JsonNode backup : backups.path("results")) {
            assertThat(Instant.parse(backup.path("expires_at").asText())).isAfter(Instant.now());
            assertThat(Instant.parse(backup.path("created_at").asText())).isBefore(Instant.now().plusSeconds(1));
        }
    }

    /** Requests made to overlap (a latency fault, all sent at once), then one alone: counted each time as served. */
    @Test
    void countsTheMostRequestsServedAtOnceAndForgetsThemWhenTheRecordIsCleared() throws Exception {
        simulator.faults().add(Fault.latency(Duration.ofMillis(300)).on("GET", "/api/v1/snapshots/"));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<HttpResponse<String>>> sent = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sent.add(pool.submit(() -> {
                    go.await();
                    return send("GET", "/api/v1/snapshots/", null, "demo-token");
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<HttpResponse<String>> response : sent) {
                assertThat(response.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(simulator.mostRequestsInFlight()).isBetween(1, 4);

        simulator.clearRequests();
        send("GET", "/api/v1/snapshots/", null, "demo-token");
        send("GET", "/api/v1/backups/", null, "demo-token");

        assertThat(simulator.mostRequestsInFlight()).as("every answered request has left").isEqualTo(1);
    }

    @Test
    void aMissingOrUnknownTokenIsUnauthorized() throws Exception {
        HttpResponse<String> missing = send("GET", "/api/v1/backups/", null, null);
        HttpResponse<String> unknown = send("GET", "/api/v1/backups/", null, "nope");

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(json.readTree(missing.body()).path("detail").asText()).isEqualTo("Authentication credentials were not provided.");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(json.readTree(unknown.body()).path("detail").asText()).isEqualTo("Invalid token.");
    }

    @Test
    void accountsAreSeparatedByToken() throws Exception {
        JsonNode other = json.readTree(send("GET", "/api/v1/snapshots/", null, "other-account-token").body());
        HttpResponse<String> foreignServer = send("POST", "/api/v1/snapshots/",
                "{\"server_id\": 12345, \"name\": \"not-mine\"}", "other-account-token");

        assertThat(other.path("count").asInt()).isZero();
        assertThat(foreignServer.statusCode()).isEqualTo(404);
    }

    @Test
    void invalidInputIsAnsweredWithFieldErrors() throws Exception {
        HttpResponse<String> badName = send("POST", "/api/v1/snapshots/", "{\"server_id\": 12345, \"name\": \"no spaces\"}", "demo-token");
        HttpResponse<String> missing = send("POST", "/api/v1/snapshots/", "{}", "demo-token");
        HttpResponse<String> notJson = send("POST", "/api/v1/backups/", "{server_id", "demo-token");
        HttpResponse<String> badFilter = send("GET", "/api/v1/backups/?backup_type=weekly", null, "demo-token");

        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(json.readTree(badName.body()).path("name").get(0).asText()).contains("letters, numbers, hyphens and underscores");
        assertThat(json.readTree(missing.body()).fieldNames()).toIterable().containsExactly("server_id", "name");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(badFilter.statusCode()).isEqualTo(400);
        assertThat(json.readTree(badFilter.body()).has("backup_type")).isTrue();
    }

    @Test
    void pathsWithoutTheirTrailingSlashOrWithTheWrongMethodAreRefused() throws Exception {
        assertThat(send("GET", "/api/v1/snapshots", null, "demo-token").statusCode()).isEqualTo(404);
        HttpResponse<String> put = send("PUT", "/api/v1/snapshots/801/", "{}", "demo-token");
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("DELETE");
    }

    @Test
    void faultsAreSwitchedOnAndOffThroughTheAdminEndpoint() throws Exception {
        HttpResponse<String> added = send("POST", "/__admin/faults",
                "{\"effect\": \"rate_limited\", \"method\": \"GET\", \"path\": \"/api/v1/snapshots/\", \"times\": 1, \"retry_after_seconds\": 7}",
                null);
        assertThat(added.statusCode()).isEqualTo(201);

        HttpResponse<String> limited = send("GET", "/api/v1/snapshots/", null, "demo-token");
        HttpResponse<String> normal = send("GET", "/api/v1/snapshots/", null, "demo-token");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(normal.statusCode()).isEqualTo(200);

        send("POST", "/__admin/faults", "{\"effect\": \"server_error\", \"status\": 503}", null);
        assertThat(send("GET", "/api/v1/backups/", null, "demo-token").statusCode()).isEqualTo(503);
        assertThat(send("DELETE", "/__admin/faults", null, null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/api/v1/backups/", null, "demo-token").statusCode()).isEqualTo(200);
    }

    /** A refusal in VPS.org's own words (session 50): its 4xx, its detail, no Retry-After; one without words is refused. */
    @Test
    void aRefusedFaultAnswersItsStatusWithItsWords() throws Exception {
        HttpResponse<String> added = send("POST", "/__admin/faults", "{\"effect\": \"refused\", \"status\": 409, "
                + "\"method\": \"DELETE\", \"times\": 1, \"detail\": \"Server is being restored\"}", null);
        assertThat(added.statusCode()).isEqualTo(201);

        HttpResponse<String> refused = send("DELETE", "/api/v1/snapshots/798/", null, "demo-token");

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(json.readTree(refused.body()).path("detail").asText()).isEqualTo("Server is being restored");
        assertThat(refused.headers().firstValue("Retry-After")).isEmpty();
        assertThat(send("POST", "/__admin/faults", "{\"effect\": \"refused\", \"status\": 409}", null).statusCode())
                .isEqualTo(400);
    }

    @Test
    void aBadFaultIsRefusedWithAReason() throws Exception {
        HttpResponse<String> refused = send("POST", "/__admin/faults", "{\"effect\": \"server_error\", \"status\": 200}", null);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json.readTree(refused.body()).path("detail").asText()).contains("4xx or 5xx");
    }

    @Test
    void requestsAreRecordedAndListedByTheAdminEndpoint() throws Exception {
        send("POST", "/api/v1/backups/", "{\"server_id\": 23456}", "demo-token");

        assertThat(simulator.requests()).singleElement().satisfies(request -> {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/api/v1/backups/");
            assertThat(request.header("authorization")).hasValue("Bearer demo-token");
            assertThat(request.body()).isEqualTo("{\"server_id\": 23456}");
        });
        JsonNode listed = json.readTree(send("GET", "/__admin/requests", null, null).body());
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("path").asText()).isEqualTo("/api/v1/backups/");
    }

    @Test
    void theClockAdvancesThroughTheAdminEndpointAndResetRestoresTheSeed() throws Exception {
        send("POST", "/api/v1/snapshots/", "{\"server_id\": 23456, \"name\": \"db\"}", "demo-token");
        send("POST", "/__admin/clock", "{\"advance_seconds\": 5}", null);

        JsonNode snapshots = json.readTree(send("GET", "/api/v1/snapshots/?server_id=23456", null, "demo-token").body());
        assertThat(snapshots.path("results").get(0).path("status").asText()).isEqualTo("completed");
        assertThat(snapshots.path("results").get(0).path("size_mb").asLong()).isEqualTo(9200);

        assertThat(send("POST", "/__admin/reset", null, null).statusCode()).isEqualTo(204);
        assertThat(simulator.requests()).isEmpty();
        assertThat(json.readTree(send("GET", "/api/v1/snapshots/?server_id=23456", null, "demo-token").body())
                .path("count").asInt()).isZero();
    }

    @Test
    void keepsEachServersMostSnapshotsAtOnceAndCountsCreatesRefusedAtTheLimit() throws Exception {
        // 12345 starts with two; three more reach five, a sixth is refused, a delete and a create stay at five.
        for (int i = 0; i < 3; i++) {
            assertThat(send("POST", "/api/v1/snapshots/", "{\"server_id\": 12345, \"name\": \"s" + i + "\"}", "demo-token")
                    .statusCode()).isEqualTo(201);
        }
        assertThat(send("POST", "/api/v1/snapshots/", "{\"server_id\": 12345, \"name\": \"sixth\"}", "demo-token")
                .statusCode()).isEqualTo(400);
        assertThat(send("DELETE", "/api/v1/snapshots/801/", null, "demo-token").statusCode()).isEqualTo(204);
        send("POST", "/api/v1/snapshots/", "{\"server_id\": 12345, \"name\": \"again\"}", "demo-token");
        send("POST", "/api/v1/snapshots/", "{\"server_id\": 23456, \"name\": \"db\"}", "demo-token");

        assertThat(simulator.mostSnapshotsOn(12345)).isEqualTo(5);
        assertThat(simulator.mostSnapshotsOn(23456)).isEqualTo(1);
        assertThat(simulator.refusedAtSnapshotLimit()).isEqualTo(1);
        simulator.reset();
        assertThat(simulator.mostSnapshotsOn(12345)).isZero();
        assertThat(simulator.refusedAtSnapshotLimit()).isZero();
    }

    private HttpResponse<String> send(String method, String target, String body, String token)
            throws IOException, InterruptedException {
        return SimulatorRequest.send(HTTP, simulator, method, target, body, token);
    }
}
