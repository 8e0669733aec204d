package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The edges of the HTTP facade, over real HTTP against the whole service: what Netty and the body
 * reader refuse (content types, charsets, oversized headers and request lines).
 */
class HttpEdgesEndToEndTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    static VpsOrgSimulator simulator;
    static RunningPlatform platform;

    private static final String CREATE_BACKUP = "{\"server_id\": 12345, \"description\": \"edge\"}";

    @BeforeAll
    static void start() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        platform = RunningPlatform.start(DATABASE.database(), simulator, Map.of());
    }

    @AfterAll
    static void stop() {
        platform.close();
        simulator.close();
    }

    @BeforeEach
    void freshProvider() {
        simulator.reset();
    }

    private static void assertProblem(Answer answer, int status, String reason) {
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.get("reason_code")).isEqualTo(reason);
        assertThat(answer.header("X-Request-Id")).isNotBlank();
        assertThat(answer.get("request_id")).isEqualTo(answer.header("X-Request-Id"));
        assertThat(answer.raw().body()).doesNotContain("Exception", "\tat ");
    }

    private static int auditedEvents() {
        return platform.audit().query(AuditQuery.latest(1000)).size();
    }

    @Test
    void aBodyThatIsNotUtf8JsonIs415AndChangesNothing() {
        int before = auditedEvents();
        List<String> refused = List.of("application/json; charset=bogus", "application/json;charset=",
                "application/json; charset=utf-16", "application/json; charset=ISO-8859-1", "application/json; charset=\"\"",
                "text/plain", "text/plain; charset=utf-8", "application/xml", "application/x-www-form-urlencoded",
                "application/problem+json", "*/*", "application/*", "garbage", "", "application/json, text/plain");
        for (String contentType : refused) {
            for (String path : List.of("/api/v1/backups/", "/api/v1/snapshots/", "/api/v1/servers/12345/restore/")) {
                Answer answer = platform.sendAsIs("POST", path, DEMO_TOKEN, CREATE_BACKUP, Map.of("Content-Type", contentType));
                assertProblem(answer, 415, "UNSUPPORTED_MEDIA_TYPE");
                assertThat(answer.get("field")).isEqualTo("Content-Type");
            }
        }
        // A body without any Content-Type is refused too; a POST without a body needs none.
        assertProblem(platform.sendAsIs("POST", "/api/v1/backups/", DEMO_TOKEN, CREATE_BACKUP, Map.of()),
                415, "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(platform.sendAsIs("POST", "/api/v1/snapshots/801/restore/", DEMO_TOKEN, "{}",
                Map.of("Content-Type", "application/json; charset=bogus")), 415, "UNSUPPORTED_MEDIA_TYPE");

        assertThat(simulator.requests()).isEmpty();
        assertThat(auditedEvents()).isEqualTo(before);
        // Without a token the answer is 401 whatever the body: nothing is learnt before authentication.
        assertProblem(platform.sendAsIs("POST", "/api/v1/backups/", null, CREATE_BACKUP,
                Map.of("Content-Type", "application/json; charset=bogus")), 401, "UNAUTHORIZED");
    }

    @Test
    void utf8JsonIsAcceptedHoweverItsCharsetIsSpelt() {
        for (String contentType : List.of("application/json", "application/json; charset=utf-8",
                "application/json;charset=UTF-8", "application/json; charset=\"utf-8\"", "Application/JSON")) {
            Answer answer = platform.sendAsIs("POST", "/api/v1/backups/", DEMO_TOKEN, CREATE_BACKUP,
                    Map.of("Content-Type", contentType));
            assertThat(answer.status()).as(contentType + ": " + answer.raw().body()).isEqualTo(201);
        }
        Answer restored = platform.sendAsIs("POST", "/api/v1/snapshots/801/restore/", DEMO_TOKEN, null, Map.of());
        assertThat(restored.status()).as(restored.raw().body()).isEqualTo(200);
    }

    @Test
    void oversizedHeadersAre431AndAnOverlongRequestLineIs414() {
        Answer oneLargeHeader = platform.send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null,
                Map.of("X-Padding", "p".repeat(9_000)));
        assertProblem(oneLargeHeader, 431, "HEADERS_TOO_LARGE");

        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            many.put("X-Padding-" + i, "q".repeat(60));
        }
        Answer manyHeaders = platform.send("POST", "/api/v1/backups/", DEMO_TOKEN, CREATE_BACKUP, many);
        assertProblem(manyHeaders, 431, "HEADERS_TOO_LARGE");
        // The client is still sending when the server answers: it reads the answer, not a reset (LingeringClose).
        for (int i = 200; i < 1000; i++) {
            many.put("X-Padding-" + i, "q".repeat(60));
        }
        for (int round = 0; round < 20; round++) {
            assertProblem(platform.send("POST", "/api/v1/backups/", DEMO_TOKEN, CREATE_BACKUP, many), 431, "HEADERS_TOO_LARGE");
        }

        Answer longUri = platform.send("GET", "/api/v1/snapshots/?server_id=" + "1".repeat(5_000), DEMO_TOKEN, null);
        assertProblem(longUri, 414, "URI_TOO_LONG");

        // The body's own limit keeps its code and message.
        Answer largeBody = platform.send("POST", "/api/v1/backups/", DEMO_TOKEN,
                "{\"server_id\": 12345, \"description\": \"" + "x".repeat(20_000) + "\"}");
        assertProblem(largeBody, 413, "BODY_TOO_LARGE");
        assertThat(simulator.requests()).isEmpty();
    }
}
