package org.vpsrecovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a command exits with when the answer is not what it expects: a change's id given to {@code operations wait}, a
 * pending change read while a person takes their time, a paging cursor under CSV, a 2xx that is not the service's
 * JSON, a {@code --wait} with no operation to follow, a final state vpsr does not know. The requests go to a plain
 * HTTP server on loopback that answers each path as it is told (404 for any other) and records what it was asked.
 */
class WhatACommandEndsWithTest {

    private static final String CHANGE = "0198c0de-0000-7000-8000-0000000000c1";
    private static final String OPERATION = "0198c0de-0000-7000-8000-0000000000a1";
    private static final String NOT_FOUND = "{\"reason_code\": \"OPERATION_NOT_FOUND\", \"detail\": \"not found\"}";

    @TempDir
    Path home;

    /** One answer: status, content type, body and, when not null, the X-Operation-Id header. */
    record Canned(int status, String contentType, String body, String operationId) {
        static Canned json(String body) {
            return new Canned(200, "application/json", body, null);
        }
    }

    private final Map<String, Canned> answers = new ConcurrentHashMap<>();
    /** Answers given once each, in order, before {@link #answers}' for the same "METHOD path". */
    private final Map<String, Queue<Canned>> firstAnswers = new ConcurrentHashMap<>();
    /** "METHOD path" of every request seen, in order. */
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private String url;

    @BeforeEach
    void listen() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            seen.add(exchange.getRequestMethod() + " " + path);
            String key = exchange.getRequestMethod() + " " + path;
            Canned answer = Optional.ofNullable(firstAnswers.get(key)).map(Queue::poll)
                    .orElseGet(() -> answers.getOrDefault(key, new Canned(404, "application/problem+json", NOT_FOUND, null)));
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            if (answer.operationId() != null) {
                exchange.getResponseHeaders().set("X-Operation-Id", answer.operationId());
            }
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private VpsrRun run(String... args) {
        return VpsrRun.of(new Vpsr.Environment(Map.of("VPSR_URL", url, "VPSR_TOKEN", "a-person-s-jwt"), home, false), args);
    }

    private static String change(String state, boolean isFinal) {
        return "{\"id\": \"" + CHANGE + "\", \"state\": \"" + state + "\", \"final\": " + isFinal
                + ", \"change\": \"hold_release\", \"hold_id\": \"h-1\", \"resource\": {\"type\": \"snapshot\", \"id\": 801}}";
    }

    private long reads(String path) {
        return seen.stream().filter(("GET " + path)::equals).count();
    }

    @Test
    void operationsWaitGivenAChangeIdFollowsTheChange() {
        answers.put("GET /api/v1/changes/" + CHANGE + "/", Canned.json(change("completed", true)));

        VpsrRun wait = run("operations", "wait", CHANGE);

        assertThat(wait.exitCode()).as(wait.err()).isZero();
        assertThat(wait.out()).contains("completed").contains("hold_release");
        assertThat(reads("/api/v1/operations/" + CHANGE + "/")).isPositive();
    }

    @Test
    void operationsWaitGivenAChangeThatEndedDeniedExitsSix() {
        answers.put("GET /api/v1/changes/" + CHANGE + "/", Canned.json(change("denied", true)));

        VpsrRun wait = run("operations", "wait", CHANGE);

        assertThat(wait.exitCode()).as(wait.err()).isEqualTo(ExitCodes.OPERATION_FAILED);
        assertThat(wait.err()).contains("denied");
    }

    @Test
    void operationsWaitGivenNeitherAnOperationNorAChangeIsNotFound() {
        VpsrRun wait = run("operations", "wait", CHANGE);

        assertThat(wait.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(wait.err()).contains("OPERATION_NOT_FOUND");
    }

    @Test
    void anAuditorWaitingOnAnIdNoOperationHasIsToldNotFoundNotForbidden() {
        // Auditors read operations, not changes: the change read is refused 403, the id is still no operation's.
        answers.put("GET /api/v1/changes/" + CHANGE + "/", new Canned(403, "application/problem+json",
                "{\"type\": \"about:blank\", \"title\": \"Forbidden\", \"status\": 403, \"reason_code\": "
                        + "\"FORBIDDEN_FOR_ROLE\", \"detail\": \"an auditor token reads the audit reports only\"}", null));

        VpsrRun wait = run("operations", "wait", CHANGE);

        assertThat(wait.exitCode()).as(wait.err()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(wait.err()).contains("OPERATION_NOT_FOUND").doesNotContain("FORBIDDEN_FOR_ROLE");
    }

    @Test
    void theChangesWaitGetsWhatTheOperationsReadsLeftOfTheTimeout() {
        // Two reads of the operation refused 503 (read again 2 s on each), then its 404: the change is followed with
        // about 8 of the 12 s left, so read once (its next read would be 10 s on), not twice as with 12 s afresh.
        Canned draining = new Canned(503, "application/problem+json", "{\"type\": \"about:blank\", \"title\": "
                + "\"Service Unavailable\", \"status\": 503, \"reason_code\": \"INSTANCE_DRAINING\"}", null);
        firstAnswers.put("GET /api/v1/operations/" + CHANGE + "/", new ConcurrentLinkedQueue<>(List.of(draining, draining)));
        answers.put("GET /api/v1/changes/" + CHANGE + "/", Canned.json(change("pending_approval", false)));

        VpsrRun wait = run("operations", "wait", CHANGE, "--timeout", "12");

        assertThat(wait.exitCode()).as(wait.err()).isEqualTo(ExitCodes.WAIT_TIMED_OUT);
        assertThat(reads("/api/v1/changes/" + CHANGE + "/")).isEqualTo(1);
    }

    @Test
    void aPendingChangeIsNotReadEverySecond() {
        // A release the team's second person must approve: 202, the pending change, its id as X-Operation-Id.
        answers.put("DELETE /api/v1/snapshots/801/holds/h-1/",
                new Canned(202, "application/json", change("pending_approval", false), CHANGE));
        answers.put("GET /api/v1/changes/" + CHANGE + "/", Canned.json(change("pending_approval", false)));

        VpsrRun release = run("holds", "release", "h-1", "--snapshot", "801", "--wait", "--timeout", "3");

        assertThat(release.exitCode()).as(release.err()).isEqualTo(ExitCodes.WAIT_TIMED_OUT);
        // Read once, then the next read would be 10 s on: past the limit. One read a second would have made three.
        assertThat(reads("/api/v1/changes/" + CHANGE + "/")).isEqualTo(1);
        // And the line that says how to pick the wait up again names a command that reads the change.
        assertThat(release.err()).contains("vpsr operations wait " + CHANGE);
    }

    @Test
    void csvKeepsThePagingCursorOnStderrAndStdoutPureCsv() throws IOException {
        answers.put("GET /api/v1/audit/events/", Canned.json("{\"count\": 1, \"next\": \"c-2\", \"results\": [{\"sequence\": 1, "
                + "\"team\": \"demo\", \"operation\": \"create_snapshot\", \"outcome\": \"completed\"}]}"));

        VpsrRun events = run("-o", "csv", "audit", "events");

        assertThat(events.exitCode()).as(events.err()).isZero();
        assertThat(events.err()).contains("more: --cursor c-2");
        assertThat(events.out()).doesNotContain("more:");
        List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().get().parse(new StringReader(events.out()))
                .getRecords();
        assertThat(records).hasSize(1);
        assertThat(records.getFirst().get("sequence")).isEqualTo("1");
    }

    @Test
    void aSuccessThatIsNotJsonIsNoSuccess() {
        answers.put("GET /api/v1/snapshots/",
                new Canned(200, "text/html", "<html><body>Sign in to continue</body></html>", null));

        VpsrRun list = run("snapshots", "list");

        assertThat(list.exitCode()).isEqualTo(ExitCodes.SERVICE_ERROR);
        assertThat(list.out()).doesNotContain("(none)");
        assertThat(list.err()).contains("not JSON").contains("text/html");
    }

    @Test
    void waitWithNoOperationToFollowIsNotDone() {
        answers.put("POST /api/v1/snapshots/", new Canned(201, "application/json",
                "{\"id\": 803, \"server_id\": 12345, \"name\": \"pre-deploy\"}", null));

        VpsrRun create = run("snapshots", "create", "--server-id", "12345", "--name", "pre-deploy", "--wait");

        assertThat(create.exitCode()).isEqualTo(ExitCodes.SERVICE_ERROR);
        assertThat(create.err()).contains("X-Operation-Id");
    }

    @Test
    void aFinalStateVpsrDoesNotKnowIsNotDone() {
        answers.put("GET /api/v1/operations/" + OPERATION + "/", Canned.json("{\"id\": \"" + OPERATION
                + "\", \"operation\": \"create_snapshot\", \"server_id\": 12345, \"state\": \"cancelled\", \"final\": true}"));

        VpsrRun wait = run("operations", "wait", OPERATION);

        assertThat(wait.exitCode()).isEqualTo(ExitCodes.SERVICE_ERROR);
        assertThat(wait.err()).contains("cancelled").contains("unknown state");
    }
}
