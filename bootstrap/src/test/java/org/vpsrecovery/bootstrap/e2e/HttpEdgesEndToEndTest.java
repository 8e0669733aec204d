package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * The edges of the HTTP facade, over real HTTP against the whole service: what Netty and the body
 * reader refuse (content types, charsets, oversized headers and request lines, malformed requests
 * and URIs, a foreign Origin), and the request id in every WARN and ERROR line about a request.
 */
class HttpEdgesEndToEndTest {

    @RegisterExtension
    // No tracking or reconciling in the background: this class's own creates (the header tests) were followed at VPS.org
    // by list reads that a later test, which asserts VPS.org was not called, counted under load (session 51).
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(),
            Map.of("vpsr.tracking.every", "1h", "vpsr.reconcile.every", "1h"));

    private static final String CREATE_BACKUP = "{\"server_id\": 12345, \"description\": \"edge\"}";

    @BeforeEach
    void freshProvider() {
        SETUP.simulator().reset();
    }

    /** RFC 9110's IMF-fixdate: a two-digit day, GMT. */
    private static final String IMF_FIXDATE = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT";

    private static void assertProblem(Answer answer, int status, String reason) {
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(status);
        assertThat(answer.header("Date")).as("Date of a " + status).matches(IMF_FIXDATE);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.get("reason_code")).isEqualTo(reason);
        assertThat(answer.header("X-Request-Id")).isNotBlank();
        assertThat(answer.get("request_id")).isEqualTo(answer.header("X-Request-Id"));
        assertThat(answer.raw().body()).doesNotContain("Exception", "\tat ");
    }

    private static int auditedEvents() {
        return SETUP.platform().audit().query(AuditQuery.latest(1000)).size();
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
                Answer answer = SETUP.platform().sendAsIs("POST", path, DEMO_TOKEN, CREATE_BACKUP, Map.of("Content-Type", contentType));
                assertProblem(answer, 415, "UNSUPPORTED_MEDIA_TYPE");
                assertThat(answer.get("field")).isEqualTo("Content-Type");
            }
        }
        // A body without any Content-Type is refused too; a POST without a body needs none.
        assertProblem(SETUP.platform().sendAsIs("POST", "/api/v1/backups/", DEMO_TOKEN, CREATE_BACKUP, Map.of()),
                415, "UNSUPPORTED_MEDIA_TYPE");
        assertProblem(SETUP.platform().sendAsIs("POST", "/api/v1/snapshots/801/restore/", DEMO_TOKEN, "{}",
                Map.of("Content-Type", "application/json; charset=bogus")), 415, "UNSUPPORTED_MEDIA_TYPE");

        assertThat(SETUP.simulator().requests()).isEmpty();
        assertThat(auditedEvents()).isEqualTo(before);
        // Without a token the answer is 401 whatever the body: nothing is learnt before authentication.
        assertProblem(SETUP.platform().sendAsIs("POST", "/api/v1/backups/", null, CREATE_BACKUP,
                Map.of("Content-Type", "application/json; charset=bogus")), 401, "UNAUTHORIZED");
    }

    /**
     * VPS.org looks at the Content-Type only when a body comes: {@code curl -X POST -d ''} (a form type, no body) is
     * answered as a POST with neither. A form body is still refused.
     */
    @Test
    void aPostWithoutABodyIsAnsweredWhateverContentTypeItDeclares() {
        Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
        RunningPlatform platform = SETUP.platform();
        // Another test's restore may still hold the server.
        platform.send("DELETE", "/api/v1/servers/12345/restore-hold/", DEMO_TOKEN, null);

        Answer restored = platform.sendAsIs("POST", "/api/v1/snapshots/801/restore/", DEMO_TOKEN, null, form);
        assertThat(restored.status()).as(restored.raw().body()).isEqualTo(200);
        assertThat(SETUP.simulator().requests()).filteredOn(r -> r.method().equals("POST"))
                .extracting(r -> r.path()).containsExactly("/api/v1/snapshots/801/restore/");
        assertThat(platform.send("DELETE", "/api/v1/servers/12345/restore-hold/", DEMO_TOKEN, null).status()).isEqualTo(200);

        for (String path : List.of("/api/v1/backups/", "/api/v1/snapshots/", "/api/v1/servers/12345/restore/")) {
            Answer withoutType = platform.sendAsIs("POST", path, DEMO_TOKEN, null, Map.of());
            Answer withFormType = platform.sendAsIs("POST", path, DEMO_TOKEN, null, form);
            assertThat(withFormType.status()).as(path + ": " + withFormType.raw().body()).isEqualTo(withoutType.status());
            assertThat(withFormType.get("reason_code")).as(path).isEqualTo(withoutType.get("reason_code"));
        }
        assertProblem(platform.sendAsIs("POST", "/api/v1/snapshots/801/restore/", DEMO_TOKEN, "a=b", form),
                415, "UNSUPPORTED_MEDIA_TYPE");
    }

    /**
     * {@code curl -X DELETE -d ''} sends the form type with {@code Content-Length: 0}: VPS.org and the simulator delete,
     * and so does the platform (the DELETE routes consume JSON by default, which refused it with 415 until session 47).
     */
    @Test
    void aDeleteWithoutABodyIsAnsweredWhateverContentTypeItDeclares() {
        Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
        Answer deleted = SETUP.platform().sendAsIs("DELETE", "/api/v1/backups/499/", DEMO_TOKEN, "", form);
        assertThat(deleted.status()).as(deleted.raw().body()).isEqualTo(204);
        assertThat(SETUP.simulator().requests()).filteredOn(r -> r.method().equals("DELETE"))
                .extracting(r -> r.path()).containsExactly("/api/v1/backups/499/");

        Answer withoutType = SETUP.platform().sendAsIs("DELETE", "/api/v1/snapshots/999999/", DEMO_TOKEN, "", Map.of());
        Answer withFormType = SETUP.platform().sendAsIs("DELETE", "/api/v1/snapshots/999999/", DEMO_TOKEN, "", form);
        assertThat(withFormType.status()).as(withFormType.raw().body()).isEqualTo(withoutType.status()).isEqualTo(404);
        assertThat(withFormType.get("reason_code")).isEqualTo(withoutType.get("reason_code"));
    }

    /**
     * A key twice in one object is refused before anything binds it: Serde kept the first value, VPS.org (Python's json)
     * and the simulator keep the last, so {@code {"backup_id": 499, "backup_id": 501}} restored 499 here and would have
     * restored 501 there (ADR 0027, amended in session 47); so is anything after the body's one value. Nothing is asked
     * of VPS.org, nothing is audited.
     */
    @Test
    void aBodyWithAKeyTwiceIs400InvalidJsonAndChangesNothing() {
        RunningPlatform platform = SETUP.platform();
        int before = auditedEvents();
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("/api/v1/servers/12345/restore/?dry_run=true", "{\"backup_id\": 499, \"backup_id\": 501}");
        bodies.put("/api/v1/servers/12345/restore/", "{\"backup_id\": 499, \"backup_id\": 501}");
        bodies.put("/api/v1/backups/", "{\"server_id\": 12345, \"description\": \"a\", \"server_id\": 12345}");
        bodies.put("/api/v1/snapshots/", "{\"server_id\": 12345, \"name\": \"first\", \"name\": \"second\"}");
        bodies.put("/api/v1/snapshots/801/holds/", "{\"reason\": \"incident 1\", \"reason\": \"incident 2\"}");
        bodies.put("/api/v1/policies/", "{\"name\": \"nightly\", \"schedule\": {\"every\": 1, \"every\": 2}}");
        bodies.forEach((path, body) -> {
            Answer answer = platform.send("POST", path, DEMO_TOKEN, body, Map.of("Idempotency-Key", "twice-" + path.length()));
            assertProblem(answer, 400, "INVALID_JSON");
            assertThat(answer.get("detail")).as(path).asString().contains("twice");
        });
        // Python's json refuses what follows a body's value ("Extra data"); Serde read the first value and ignored the rest.
        for (String body : List.of("{\"backup_id\": 499} {\"backup_id\": 501}", "{\"backup_id\": 499}]")) {
            assertProblem(platform.send("POST", "/api/v1/servers/12345/restore/", DEMO_TOKEN, body), 400, "INVALID_JSON");
        }
        // The key twice is told as CallerNames cleans a caller's name: markup and non-ASCII as "?", cut at 64 then "…".
        Map<String, String> toldAs = new LinkedHashMap<>();
        toldAs.put("<a>", "?a?");
        toldAs.put("cl\u00e9", "cl?");
        toldAs.put("k".repeat(100), "k".repeat(64) + "\u2026");
        toldAs.forEach((key, told) -> {
            Answer answer = platform.send("POST", "/api/v1/snapshots/", DEMO_TOKEN, "{\"" + key + "\": 1, \"" + key
                    + "\": 2}", Map.of("Idempotency-Key", "twice-told-" + Integer.toHexString(key.hashCode())));
            assertProblem(answer, 400, "INVALID_JSON");
            assertThat(answer.get("detail")).as(key).asString().contains("names \"" + told + "\" twice")
                    .doesNotContain("<", "\u00e9", "k".repeat(65));
        });
        assertThat(SETUP.simulator().requests()).isEmpty();
        assertThat(auditedEvents()).isEqualTo(before);

        // The body as VPS.org documents it is taken as before.
        Answer plan = platform.send("POST", "/api/v1/servers/12345/restore/?dry_run=true", DEMO_TOKEN, "{\"backup_id\": 501}");
        assertThat(plan.status()).as(plan.raw().body()).isEqualTo(200);
    }

    /**
     * A snapshot's restore takes no body (VPS.org: "No body"), and DRF parses only a body its view reads: a JSON-typed
     * body that is not JSON, or names a key twice, changes nothing about the answer (it was 400 {@code INVALID_JSON}
     * once the duplicate-key check came; ADR 0006, amended in session 47).
     */
    @Test
    void aBodySentToARouteThatTakesNoneIsNotRead() {
        String planPath = "/api/v1/snapshots/801/restore/?dry_run=true";
        Answer withoutBody = SETUP.platform().sendAsIs("POST", planPath, DEMO_TOKEN, null, Map.of());
        assertThat(withoutBody.status()).as(withoutBody.raw().body()).isEqualTo(200);
        for (String body : List.of("{\"a\": 1, \"a\": 2}", "garbage")) {
            Answer withBody = SETUP.platform().send("POST", planPath, DEMO_TOKEN, body);
            assertThat(withBody.status()).as(body + ": " + withBody.raw().body()).isEqualTo(200);
            assertThat(withBody.body()).as(body).isEqualTo(withoutBody.body());
        }
    }

    /**
     * Refusals name what was wrong, with its code (ADR 0006, amended in session 51): a path segment the route cannot
     * convert was 400 INVALID_JSON; a filter given twice "must be a positive integer"; a hold's reason with a control
     * character "description must not ...".
     */
    @Test
    void aRefusalNamesTheFieldAndTheCodeOfWhatWasWrong() {
        Answer noSuchHealth = SETUP.platform().send("GET", "/health/nothing", DEMO_TOKEN, null);
        assertProblem(noSuchHealth, 404, "ROUTE_NOT_FOUND");

        Answer twice = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345&server_id=12346", DEMO_TOKEN, null);
        assertProblem(twice, 400, "INVALID_QUERY_PARAMETER");
        assertThat(twice.get("field")).isEqualTo("server_id");
        assertThat(twice.get("detail")).isEqualTo("server_id is given more than once; give it once");

        Answer bell = SETUP.platform().send("POST", "/api/v1/backups/495/holds/", DEMO_TOKEN, "{\"reason\": \"a\\u0007b\"}");
        assertProblem(bell, 400, "INVALID_FIELD");
        assertThat(bell.get("field")).isEqualTo("reason");
        assertThat(bell.get("detail")).isEqualTo("reason must not contain control characters");
    }

    /** Every answer is dated, the filters' own (a 401) too, once, in IMF-fixdate (ADR 0129). */
    @Test
    void everyAnswerCarriesOneDateInImfFixdate() {
        RunningPlatform platform = SETUP.platform();
        List<Answer> answers = List.of(platform.send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null),
                platform.send("GET", "/api/v1/snapshots/", null, null),
                platform.send("GET", "/api/v1/no-such-path/", DEMO_TOKEN, null),
                platform.send("GET", "/api/v1/snapshots/?server_id=abc", DEMO_TOKEN, null),
                platform.send("GET", "/health", null, null),
                platform.send("GET", "/console/sign-in", null, null));
        assertThat(answers).extracting(Answer::status).containsExactly(200, 401, 404, 400, 200, 200);
        for (Answer answer : answers) {
            assertThat(answer.raw().headers().allValues("Date")).as("Date of a " + answer.status())
                    .singleElement().asString().matches(IMF_FIXDATE);
        }
    }

    @Test
    void utf8JsonIsAcceptedHoweverItsCharsetIsSpelt() {
        for (String contentType : List.of("application/json", "application/json; charset=utf-8",
                "application/json;charset=UTF-8", "application/json; charset=\"utf-8\"", "Application/JSON")) {
            Answer answer = SETUP.platform().sendAsIs("POST", "/api/v1/backups/", DEMO_TOKEN, CREATE_BACKUP,
                    Map.of("Content-Type", contentType));
            assertThat(answer.status()).as(contentType + ": " + answer.raw().body()).isEqualTo(201);
        }
        Answer restored = SETUP.platform().sendAsIs("POST", "/api/v1/snapshots/801/restore/", DEMO_TOKEN, null, Map.of());
        assertThat(restored.status()).as(restored.raw().body()).isEqualTo(200);
    }

    @Test
    void oversizedHeadersAre431AndAnOverlongRequestLineIs414() {
        Answer oneLargeHeader = SETUP.platform().send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null,
                Map.of("X-Padding", "p".repeat(9_000)));
        assertProblem(oneLargeHeader, 431, "HEADERS_TOO_LARGE");

        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            many.put("X-Padding-" + i, "q".repeat(60));
        }
        Answer manyHeaders = SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, CREATE_BACKUP, many);
        assertProblem(manyHeaders, 431, "HEADERS_TOO_LARGE");
        // The client is still sending when the server answers: it reads the answer, not a reset (LingeringClose).
        for (int i = 200; i < 1000; i++) {
            many.put("X-Padding-" + i, "q".repeat(60));
        }
        // Known open defect (docs/reliability.md): on a loaded machine a client still sending may, rarely,
        // get the connection closed before the answer. Never a wrong answer; at most 2 such losses in 20.
        int lost = 0;
        for (int round = 0; round < 20; round++) {
            Optional<Answer> answer = answerOrLostConnection(() ->
                    SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, CREATE_BACKUP, many));
            if (answer.isPresent()) {
                assertProblem(answer.get(), 431, "HEADERS_TOO_LARGE");
            } else {
                lost++;
            }
        }
        assertThat(lost).isLessThanOrEqualTo(2);

        Answer longUri = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=" + "1".repeat(5_000), DEMO_TOKEN, null);
        assertProblem(longUri, 414, "URI_TOO_LONG");

        // The body's own limit keeps its code and message.
        // (a second try if the same rare race takes the first answer: see above)
        String largeJson = "{\"server_id\": 12345, \"description\": \"" + "x".repeat(20_000) + "\"}";
        Answer largeBody = answerOrLostConnection(() -> SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, largeJson))
                .orElseGet(() -> SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, largeJson));
        assertProblem(largeBody, 413, "BODY_TOO_LARGE");
        assertThat(SETUP.simulator().requests()).isEmpty();
    }

    @Test
    void whatNettyOrTheRouterCannotReadIsAProblemWithItsOwnReasonCode() throws Exception {
        int port = SETUP.platform().server.getPort();
        var token = Map.entry("Authorization", "Bearer " + DEMO_TOKEN);
        assertRawProblem(RawHttpExchange.send(port, "GET", "/api/v1/snapshots/", List.of(token, Map.entry("X-Odd", "a\u0001b")), null),
                400, "MALFORMED_REQUEST");
        assertRawProblem(RawHttpExchange.send(port, "GET", "/api/v1/snapshots/{801}/", List.of(token), null), 400, "INVALID_URI");
        assertRawProblem(RawHttpExchange.send(port, "GET", "/api/v1/snapshots/?server_id=<1>", List.of(token), null),
                400, "INVALID_URI");
        // Micronaut's guard against drive-by-localhost attacks answers an empty 403: it gets a problem body.
        assertRawProblem(RawHttpExchange.send(port, "GET", "/api/v1/snapshots/",
                List.of(token, Map.entry("Origin", "https://evil.example")), null), 403, "CROSS_ORIGIN_REFUSED");
        assertThat(SETUP.simulator().requests()).isEmpty();
    }

    private static void assertRawProblem(RawHttpExchange.Answer answer, int status, String reason) throws Exception {
        assertThat(answer.status()).as(answer.wholeText()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/problem+json");
        assertThat(answer.header("Date")).as("Date of a " + status).matches(IMF_FIXDATE);
        Map<?, ?> problem = SETUP.platform().json.readValue(answer.body(), Map.class);
        assertThat(problem.get("reason_code")).as(answer.body()).isEqualTo(reason);
        assertThat(problem.get("request_id")).isEqualTo(answer.header("X-Request-Id")).isNotNull();
    }

    @Test
    void everyWarnAndErrorLineAboutARequestCarriesTheIdTheCallerGot() throws SQLException {
        try (RootLogLines captured = RootLogLines.capture()) {
            // A provider that keeps failing: retries and the 502 are logged (WARN).
            SETUP.simulator().faults().add(Fault.serverError(503).on("GET", "/api/v1/backups/"));
            Answer badGateway = SETUP.platform().send("GET", "/api/v1/backups/", DEMO_TOKEN, null);
            assertProblem(badGateway, 502, "PROVIDER_UNAVAILABLE");
            assertLoggedUnder(captured, badGateway, Level.WARN);
            SETUP.simulator().faults().clear();

            // The database failing under a request: 503 with Retry-After, never a 500 (WARN), with or without an id sent.
            withIdempotencyTableGone(() -> {
                Answer generatedId = SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, CREATE_BACKUP,
                        Map.of("Idempotency-Key", "edge-503"));
                assertProblem(generatedId, 503, "PLATFORM_UNAVAILABLE");
                assertThat(generatedId.header("Retry-After")).isNotBlank();
                assertLoggedUnder(captured, generatedId, Level.WARN);

                Answer givenId = SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, CREATE_BACKUP,
                        Map.of("Idempotency-Key", "edge-503", "X-Request-Id", "caller-quotes-this-id"));
                assertProblem(givenId, 503, "PLATFORM_UNAVAILABLE");
                assertThat(givenId.header("X-Request-Id")).isEqualTo("caller-quotes-this-id");
                assertLoggedUnder(captured, givenId, Level.WARN);
            });
        } finally {
            SETUP.simulator().faults().clear();
        }
    }

    /**
     * The team's snapshot list reads its first page on the HTTP client's event loop and retries on the blocking
     * executor: its retries' WARN lines still name the request (ADR 0090, amended in session 43).
     */
    @Test
    void theSnapshotListsRetriesLogUnderTheIdTheCallerGot() {
        try (RootLogLines captured = RootLogLines.capture()) {
            // Answered after two retries: the first page read on the event loop, the retries on the blocking executor.
            SETUP.simulator().faults().add(Fault.serverError(503).on("GET", "/api/v1/snapshots/").times(2));
            Answer listed = SETUP.platform().send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null);
            assertThat(listed.status()).as(listed.raw().body()).isEqualTo(200);
            assertLoggedUnder(captured, listed, Level.WARN);

            // A provider that keeps failing: every retry and the 502.
            SETUP.simulator().faults().clear();
            SETUP.simulator().faults().add(Fault.serverError(503).on("GET", "/api/v1/snapshots/"));
            Answer badGateway = SETUP.platform().send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null,
                    Map.of("X-Request-Id", "caller-quotes-this-list-id"));
            assertProblem(badGateway, 502, "PROVIDER_UNAVAILABLE");
            assertLoggedUnder(captured, badGateway, Level.WARN);
        } finally {
            SETUP.simulator().faults().clear();
        }
    }

    /**
     * A client that closes its connection mid-body is gone, not a failure of ours: no ERROR line, no 500 in the
     * request timers; it is answered 400, which nobody reads (ADR 0006, amended in session 43).
     */
    @Test
    void aClientThatClosesMidBodyLogsNoErrorAndCountsNo500() throws Exception {
        RootLogLines captured = RootLogLines.capture();
        MeterRegistry registry = SETUP.platform().context.getBean(MeterRegistry.class);
        try (captured) {
            new CutShortRequest("POST", "/api/v1/snapshots/",
                    List.of("Authorization: Bearer " + DEMO_TOKEN, "Content-Type: application/json"), "{\"server_id\": ")
                    .sendThenClose(SETUP.platform().server.getPort());
            // The request is timed once its answer is written, after any line its handler logs.
            await().atMost(Duration.ofSeconds(30)).until(() -> !registry.find("http.server.requests")
                    .tag("exception", "EOFException").timers().isEmpty());

            assertThat(registry.find("http.server.requests").tag("exception", "EOFException").timers())
                    .extracting(timer -> timer.getId().getTag("status")).containsOnly("400");
            // The web layer's lines only: a job may log about something else meanwhile.
            assertThat(captured.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .filteredOn(e -> e.getLoggerName().startsWith("org.vpsrecovery.adapters.http.facade")
                            || e.getLoggerName().startsWith("io.micronaut.http"))
                    .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
            assertThat(SETUP.simulator().requests()).isEmpty();
        }
    }

    /**
     * A client that resets its connection mid-body (RST, not FIN) is gone too: the reset reaches the route as Netty's
     * own failure (the epoll transport's {@code NativeIoException}, the JDK's {@code SocketException} without it), and
     * is answered 400 unread, with no ERROR line and no 5xx counted; the service answers the next request (ADR 0006,
     * amended in session 44).
     */
    @Test
    void aClientThatResetsMidBodyLogsNoErrorAndCountsNo5xx() throws Exception {
        RootLogLines captured = RootLogLines.capture();
        MeterRegistry registry = SETUP.platform().context.getBean(MeterRegistry.class);
        var failedBefore = LeavingClient.failedRequests(registry);
        long serverErrorsBefore = LeavingClient.serverErrors(registry);
        try {
            LeavingClient.sendThenReset(SETUP.platform().server.getPort(),
                    "POST /api/v1/snapshots/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + DEMO_TOKEN
                            + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"server_id\": ");
            // The request is timed once its answer is written, after any line its handler logs.
            await().atMost(Duration.ofSeconds(30)).until(() -> !LeavingClient.countedSince(registry, failedBefore).isEmpty());

            assertThat(LeavingClient.countedSince(registry, failedBefore).keySet()).singleElement().satisfies(timer -> {
                assertThat(timer.getTag("status")).isEqualTo("400");
                assertThat(timer.getTag("exception")).as("the reset reached the route as a reset")
                        .isIn("NativeIoException", "SocketException");
            });
            assertThat(LeavingClient.serverErrors(registry)).isEqualTo(serverErrorsBefore);
            // The web layer's lines only (ours, Micronaut's, Netty's): a job may log about something else meanwhile.
            assertThat(captured.events()).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .filteredOn(e -> e.getLoggerName().startsWith("org.vpsrecovery.adapters.http")
                            || e.getLoggerName().startsWith("io.micronaut.http") || e.getLoggerName().startsWith("io.netty"))
                    .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
            assertThat(SETUP.simulator().requests()).isEmpty();
            Answer next = SETUP.platform().send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null);
            assertThat(next.status()).as(next.raw().body()).isEqualTo(200);
        } finally {
            captured.close();
        }
    }

    /** The request's WARN or ERROR lines, as the service's log pattern prints them, all name its id. */
    private static void assertLoggedUnder(RootLogLines captured, Answer answer, Level level) {
        var layout = new PatternLayout();
        layout.setContext(((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).getLoggerContext());
        layout.setPattern("%-5level [request_id=%X{request_id}] %logger - %msg");
        layout.start();
        // A job's line is about no request: the idempotency purge fails too while its table is gone. (Other classes'
        // platforms are all closed before this class starts, those that failed to start too: session 51.)
        List<String> lines = captured.takeEvents().stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .filter(e -> !e.getThreadName().startsWith("db-scheduler")).map(layout::doLayout).toList();
        String id = answer.header("X-Request-Id");
        assertThat(lines).as("WARN/ERROR lines of request " + id).isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("[request_id=" + id + "]"))
                .anySatisfy(line -> assertThat(line).startsWith(level.toString()));
    }

    private static void withIdempotencyTableGone(Runnable requests) throws SQLException {
        try (Connection owner = SETUP.database().dataSource().getConnection(); Statement sql = owner.createStatement()) {
            sql.execute("ALTER TABLE idempotency_record RENAME TO idempotency_record_gone");
            try {
                requests.run();
            } finally {
                sql.execute("ALTER TABLE idempotency_record_gone RENAME TO idempotency_record");
            }
        }
    }

    /** The answer, or empty when the connection closed before any byte of it (the race named above). */
    private static Optional<Answer> answerOrLostConnection(java.util.function.Supplier<Answer> send) {
        try {
            return Optional.of(send.get());
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof java.io.IOException) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
