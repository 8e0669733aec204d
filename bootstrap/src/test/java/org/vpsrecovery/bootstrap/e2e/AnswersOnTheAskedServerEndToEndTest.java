package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.DriftScanJobs;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * VPS.org's answers held to the server asked about, as the composition root wires it (ADR 0024 and ADR 0010, amended in
 * session 40): the platform over a loopback VPS.org that ignores {@code server_id}, listing server 23456's snapshot
 * whichever server is asked, and answering a create of 12345's snapshot with one of 23456. The demo team owns both
 * servers here, so that only the hold to the asked server (not the team's ownership) can leave 23456's point out of
 * what the use cases see of 12345.
 */
class AnswersOnTheAskedServerEndToEndTest {

    static final long OURS = 7001;
    static final long THEIRS = 7002;
    static final long CREATED_ELSEWHERE = 7003;
    static final String OTHER_SERVERS_NAME = "theirs-db-01";

    /** Started before the platform, which is pointed at it instead of the simulator. */
    static final HttpServer VPS_ORG = ignoringTheServerFilter();

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(), Map.of(
            "vpsorg.base-url", "http://127.0.0.1:" + VPS_ORG.getAddress().getPort() + "/",
            "vpsr.teams.demo.servers", "12345,23456", "vpsr.teams.other-team.servers", "34567",
            "vpsr.drift.pause-between-servers", "0s"));

    @AfterAll
    static void stopVpsOrg() {
        VPS_ORG.stop(0);
    }

    @Test
    void aServersListAsAUseCaseSeesItHoldsOnlyThatServersPoints() {
        Answer listed = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", RunningPlatform.DEMO_TOKEN, null);

        assertThat(listed.status()).as(listed.raw().body()).isEqualTo(200);
        assertThat(ids(listed)).containsExactly(OURS);
        // The account's list asks for no server: both, the team owning both.
        assertThat(ids(SETUP.platform().send("GET", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN, null)))
                .containsExactlyInAnyOrder(OURS, THEIRS);
    }

    @Test
    void theDriftScanJudgesEachServerOnItsOwnPointsOnly() {
        SETUP.platform().context.getBean(DriftScanJobs.class).scanRound(Optional.empty());

        Answer drifts = SETUP.platform().send("GET", "/api/v1/audit/drift/?server_id=12345", RunningPlatform.DEMO_TOKEN, null);

        assertThat(drifts.status()).as(drifts.raw().body()).isEqualTo(200);
        // Made behind the platform's back on 12345: its drift. 23456's, listed for 12345 too, is not 12345's.
        assertThat(ids(drifts, AnswersOnTheAskedServerEndToEndTest::pointId)).containsExactly(OURS);
    }

    @Test
    void aCreateAnsweredWithAnotherServersSnapshotIsOutcomeUnknownAndShowsNothingOfIt() {
        Answer created = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"pre-deploy\"}", Map.of("X-Request-Id", "created-elsewhere"));

        assertThat(created.status()).as(created.raw().body()).isEqualTo(504);
        assertThat(created.get("reason_code")).isEqualTo("OUTCOME_UNKNOWN");
        assertThat(String.valueOf(created.get("detail"))).contains("VPS.org answered")
                .doesNotContain("did not answer in time");
        assertThat(created.raw().body()).doesNotContain(String.valueOf(CREATED_ELSEWHERE))
                .doesNotContain("23456").doesNotContain(OTHER_SERVERS_NAME);
        assertThat(SETUP.platform().auditOf("created-elsewhere")).extracting(e -> e.event().outcome().kind())
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED);
        assertThat(SETUP.platform().auditOf("created-elsewhere")).allSatisfy(e -> {
            assertThat(e.event().resource()).isEmpty();
            assertThat(e.event().detail() + " " + e.event().outcome()).doesNotContain(String.valueOf(CREATED_ELSEWHERE))
                    .doesNotContain("23456").doesNotContain(OTHER_SERVERS_NAME);
        });
    }

    private static List<Long> ids(Answer answer) {
        return ids(answer, item -> ((Number) item.get("id")).longValue());
    }

    @SuppressWarnings("unchecked")
    private static List<Long> ids(Answer answer, Function<Map<String, Object>, Long> idOf) {
        return ((List<Map<String, Object>>) answer.get("results")).stream().map(idOf).toList();
    }

    @SuppressWarnings("unchecked")
    private static long pointId(Map<String, Object> drift) {
        return ((Number) ((Map<String, Object>) drift.get("recovery_point")).get("id")).longValue();
    }

    // ---- a VPS.org that ignores server_id, and answers a create with another server's snapshot ----

    private static HttpServer ignoringTheServerFilter() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", AnswersOnTheAskedServerEndToEndTest::answer);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            int status = 200;
            String body;
            if (method.equals("GET") && path.equals("/api/v1/snapshots/")) {
                body = page(snapshot(OURS, 12345, "web-server-01", "ours"), snapshot(THEIRS, 23456, OTHER_SERVERS_NAME, "theirs"));
            } else if (method.equals("GET") && path.equals("/api/v1/backups/")) {
                body = page();
            } else if (method.equals("POST") && path.equals("/api/v1/snapshots/")) {
                status = 201;
                body = snapshot(CREATED_ELSEWHERE, 23456, OTHER_SERVERS_NAME, "pre-deploy");
            } else {
                status = 404;
                body = "{\"detail\": \"Not found.\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private static String page(String... items) {
        return "{\"count\": " + items.length + ", \"next\": null, \"previous\": null, \"results\": ["
                + String.join(", ", items) + "]}";
    }

    private static String snapshot(long id, long server, String serverName, String name) {
        return "{\"id\": " + id + ", \"server\": {\"id\": " + server + ", \"name\": \"" + serverName
                + "\", \"status\": \"running\"}, \"name\": \"" + name + "\", \"status\": \"completed\", \"size_mb\": 1024.0,"
                + " \"created_at\": \"2026-12-01T10:00:00Z\", \"description\": null}";
    }
}
