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
    /** The query of every request seen, in order (null: none). */
    private final List<String> queries = new CopyOnWriteArrayList<>();
    /**
     * "METHOD path" whose answer is broken off after this many bytes of its body: its headers promise the whole body
     * (Content-Length), then the connection closes.
     */
    private final Map<String, Integer> brokenOffAfter = new ConcurrentHashMap<>();
    private HttpServer server;
    private String url;

    @BeforeEach
    void listen() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            seen.add(exchange.getRequestMethod() + " " + path);
            queries.add(String.valueOf(exchange.getRequestURI().getRawQuery()));
            String key = exchange.getRequestMethod() + " " + path;
            Canned answer = Optional.ofNullable(firstAnswers.get(key)).map(Queue::poll)
                    .orElseGet(() -> answers.getOrDefault(key, new Canned(404, "application/problem+json", NOT_FOUND, null)));
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            if (answer.operationId() != null) {
                exchange.getResponseHeaders().set("X-Operation-Id", answer.operationId());
            }
            Integer cut = brokenOffAfter.get(key);
            if (cut != null) {
                exchange.sendResponseHeaders(answer.status(), body.length);
                exchange.getResponseBody().write(body, 0, cut);
                exchange.getResponseBody().flush();
                throw new IllegalStateException("the answer is broken off");
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

    /**
     * A 2xx sent as another type than JSON is not the service's answer, though its body reads as JSON (a proxy's page
     * of text, a number): exit 8 "not JSON", nothing printed as the answer, for a read as for a change (ADR 0039,
     * amended in session 52). The service's JSON with its charset parameter is. Before, the body was parsed anyway.
     */
    @Test
    void aSuccessSentAsAnotherTypeThanJsonIsNoSuccessThoughItParses() {
        answers.put("GET /api/v1/snapshots/",
                new Canned(200, "text/plain", "{\"count\": 1, \"results\": [{\"id\": 801}]}", null));
        answers.put("POST /api/v1/snapshots/", new Canned(201, "text/html",
                "{\"id\": 803, \"server_id\": 12345, \"name\": \"pre-deploy\"}", null));

        VpsrRun list = run("-o", "json", "snapshots", "list");
        VpsrRun create = run("snapshots", "create", "--server-id", "12345", "--name", "pre-deploy");

        assertThat(list.exitCode()).as(list.err()).isEqualTo(ExitCodes.SERVICE_ERROR);
        assertThat(list.err()).contains("is not JSON").contains("text/plain");
        assertThat(list.out()).doesNotContain("801");
        assertThat(create.exitCode()).as(create.err()).isEqualTo(ExitCodes.SERVICE_ERROR);
        assertThat(create.err()).contains("is not JSON").contains("text/html").contains("look before running it again");
        assertThat(create.out()).doesNotContain("803");

        answers.put("GET /api/v1/snapshots/", new Canned(200, "application/json;charset=UTF-8",
                "{\"count\": 1, \"results\": [{\"id\": 801}]}", null));
        VpsrRun json = run("-o", "json", "snapshots", "list");
        assertThat(json.exitCode()).as(json.err()).isZero();
        assertThat(json.out()).contains("801");
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

    // Session 51: what the review of the CLI found (ADR 0039, amended in session 51).

    private static final String OPERATION_RELEASED = "{\"id\": \"" + OPERATION + "\", \"operation\": \"restore_backup\", "
            + "\"server_id\": 12345, \"state\": \"released\", \"final\": true}";

    /**
     * A proxy's 200 page in place of the export (a sign-in page) is no export: exit 8 "not CSV", nothing on stdout.
     * The service's own CSV, with its charset parameter, is. Before, the page was saved as the export, exit 0.
     */
    @Test
    void anExportThatIsNotCsvIsNoExport() {
        answers.put("GET /api/v1/audit/events/",
                new Canned(200, "text/html", "<html><body>Sign in to continue</body></html>", null));

        VpsrRun page = run("audit", "export");

        assertThat(page.exitCode()).as(page.err()).isEqualTo(ExitCodes.SERVICE_ERROR);
        assertThat(page.err()).contains("not CSV").contains("text/html");
        assertThat(page.out()).isEmpty();

        answers.put("GET /api/v1/audit/events/", new Canned(200, "text/csv;charset=utf-8", "sequence,team\r\n1,demo\r\n", null));
        VpsrRun csv = run("audit", "export");

        assertThat(csv.exitCode()).as(csv.err()).isZero();
        assertThat(csv.out()).isEqualTo("sequence,team\r\n1,demo\r\n");
    }

    /**
     * A list command answered with JSON that is no list (an empty body, a proxy's {"status": "ok"}) is not the
     * service's answer: exit 8, in every format. Before, "(none)" and exit 0, as if there were nothing.
     */
    @Test
    void aListAnsweredWithNoListIsNotTheServicesAnswer() {
        for (String body : List.of("", "{\"status\": \"ok\"}", "{\"count\": 0, \"results\": null}")) {
            answers.put("GET /api/v1/snapshots/", Canned.json(body));
            for (String format : List.of("table", "json", "csv")) {
                VpsrRun list = run("-o", format, "snapshots", "list");

                assertThat(list.exitCode()).as(body + " " + format + ": " + list.err()).isEqualTo(ExitCodes.SERVICE_ERROR);
                assertThat(list.err()).contains("not a list");
                assertThat(list.out()).doesNotContain("(none)");
            }
        }
        answers.put("GET /api/v1/snapshots/", Canned.json("{\"count\": 0, \"results\": []}"));
        VpsrRun empty = run("snapshots", "list");
        assertThat(empty.exitCode()).as(empty.err()).isZero();
        assertThat(empty.out()).contains("(none)");
    }

    /**
     * A 2xx whose body the service broke off after its headers: the service was reached, its answer is incomplete, exit
     * 8 (docs/cli.md: "a 2xx body ended without its end"); a change's names the operation its headers carried. Before,
     * exit 7 "cannot reach" (or, for a change, "no answer came", though the 201 had).
     */
    @Test
    void aSuccessBrokenOffAfterItsHeadersIsNotUnreachable() {
        answers.put("GET /api/v1/snapshots/", Canned.json("{\"count\": 1, \"results\": [{\"id\": 801}]}"));
        brokenOffAfter.put("GET /api/v1/snapshots/", 10);
        answers.put("POST /api/v1/snapshots/", new Canned(201, "application/json",
                "{\"id\": 803, \"server_id\": 12345, \"name\": \"pre-deploy\"}", OPERATION));
        brokenOffAfter.put("POST /api/v1/snapshots/", 10);

        VpsrRun list = run("snapshots", "list");
        VpsrRun create = run("snapshots", "create", "--server-id", "12345", "--name", "pre-deploy");

        for (VpsrRun run : List.of(list, create)) {
            assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.SERVICE_ERROR);
            assertThat(run.err()).contains("broke off its answer").doesNotContain("cannot reach");
        }
        assertThat(create.err()).contains("HTTP 201").contains("operation " + OPERATION + " (vpsr operations wait "
                + OPERATION + ")").doesNotContain("no answer came");
        assertThat(seen.stream().filter("POST /api/v1/snapshots/"::equals).count()).isEqualTo(1);
    }

    /**
     * A proxy's bare 502, 503 or 504 (no problem+json reason code) to a change: the change may have reached the service
     * (nginx's 502/504 after forwarding it, Envoy's 503 for an upstream reset), so the advice of a lost answer is
     * printed; the exit code stays the status's. A read, or the service's own failure with its reason code, is not
     * told so. Before, no advice: a rerun without a key could make a second snapshot.
     */
    @Test
    void aProxysBareGatewayFailureToAChangeSaysItMayHaveTakenEffect() {
        for (int status : List.of(502, 503, 504)) {
            answers.put("POST /api/v1/snapshots/", new Canned(status, "text/html",
                    "<html><body>" + status + " Bad Gateway</body></html>", null));
            answers.put("GET /api/v1/snapshots/", new Canned(status, "text/html", "<html></html>", null));

            VpsrRun keyed = run("snapshots", "create", "--server-id", "12345", "--name", "pre-deploy",
                    "--idempotency-key", "deploy-42");
            VpsrRun unkeyed = run("snapshots", "create", "--server-id", "12345", "--name", "pre-deploy");
            VpsrRun read = run("snapshots", "list");

            int expected = status == 503 ? ExitCodes.BUSY : ExitCodes.SERVICE_ERROR;
            for (VpsrRun change : List.of(keyed, unkeyed)) {
                assertThat(change.exitCode()).as(status + ": " + change.err()).isEqualTo(expected);
                assertThat(change.err()).as(String.valueOf(status)).contains("HTTP_" + status)
                        .contains("the change may have taken effect; look (vpsr operations list) before running it again");
            }
            assertThat(keyed.err()).contains("or run it again with the same --idempotency-key");
            assertThat(unkeyed.err()).doesNotContain("--idempotency-key");
            assertThat(read.err()).as(String.valueOf(status)).doesNotContain("may have taken effect");
        }
        answers.put("POST /api/v1/snapshots/", new Canned(502, "application/problem+json",
                "{\"status\": 502, \"reason_code\": \"PROVIDER_ERROR\", \"detail\": \"VPS.org failed\"}", null));
        VpsrRun servicesOwn = run("snapshots", "create", "--server-id", "12345", "--name", "pre-deploy");
        assertThat(servicesOwn.exitCode()).isEqualTo(ExitCodes.SERVICE_ERROR);
        assertThat(servicesOwn.err()).contains("PROVIDER_ERROR").doesNotContain("may have taken effect");
    }

    /**
     * changes list (ADR 0043, session 52): a page of the team's changes with its filter and cursor sent as the service
     * takes them, its next page named as the other cursor lists name it, and an answer that is no list exit 8. Before,
     * no such command (exit 1, an unknown command).
     */
    @Test
    void aChangesListSendsItsFilterAndCursorNamesItsNextPageAndTakesNoOtherAnswerForAList() {
        answers.put("GET /api/v1/changes/", Canned.json("{\"count\": 1, \"results\": [" + change("pending_approval", false)
                + "], \"next\": \"" + CHANGE + "\"}"));

        VpsrRun table = run("changes", "list", "--state", "pending_approval", "--limit", "1", "--cursor", OPERATION);
        VpsrRun csv = run("-o", "csv", "changes", "list");

        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(queries.getFirst()).isEqualTo("state=pending_approval&limit=1&after=" + OPERATION);
        assertThat(table.out()).contains(CHANGE).contains("hold_release").contains("pending_approval")
                .contains("more: --cursor " + CHANGE);
        assertThat(csv.exitCode()).as(csv.err()).isZero();
        assertThat(csv.out()).startsWith("id,change,state,").doesNotContain("more:");
        assertThat(csv.err()).contains("more: --cursor " + CHANGE);

        for (String body : List.of("", "{\"status\": \"ok\"}")) {
            answers.put("GET /api/v1/changes/", Canned.json(body));
            VpsrRun notAList = run("changes", "list");
            assertThat(notAList.exitCode()).as(body + ": " + notAList.err()).isEqualTo(ExitCodes.SERVICE_ERROR);
            assertThat(notAList.err()).contains("not a list");
            assertThat(notAList.out()).doesNotContain("(none)");
        }
        answers.put("GET /api/v1/changes/", new Canned(400, "application/problem+json",
                "{\"status\": 400, \"reason_code\": \"INVALID_QUERY_PARAMETER\", \"detail\": \"state must be one of ...\"}",
                null));
        VpsrRun refused = run("changes", "list", "--state", "failed");
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("INVALID_QUERY_PARAMETER");
    }

    /** changes list --kind (session 53): sent as the service's {@code kind}; before, no such option (exit 2). */
    @Test
    void aChangesListSendsItsKind() {
        answers.put("GET /api/v1/changes/", Canned.json("{\"count\": 0, \"results\": [], \"next\": null}"));

        VpsrRun listed = run("changes", "list", "--kind", "policy_delete", "--state", "pending_approval");

        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(queries.getFirst()).isEqualTo("state=pending_approval&kind=policy_delete");
    }

    /**
     * operations list pages as the other cursor lists do (ADR 0024, amended in session 52): its filters and cursor sent
     * as the service takes them, its next page named `more: --cursor C` (CSV: on stderr), nothing when there is none.
     * Before, no --cursor (exit 2, an unknown option), and a full page only said "there may be more".
     */
    @Test
    void anOperationsListSendsItsFiltersAndCursorAndNamesItsNextPage() {
        answers.put("GET /api/v1/operations/", Canned.json("{\"count\": 2, \"results\": [" + OPERATION_RELEASED + ", "
                + OPERATION_RELEASED + "], \"next\": \"" + OPERATION + "\"}"));

        VpsrRun table = run("operations", "list", "--server-id", "12345", "--state", "released", "--limit", "2",
                "--cursor", CHANGE);
        VpsrRun csv = run("-o", "csv", "operations", "list", "--limit", "2");

        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(queries.getFirst()).isEqualTo("server_id=12345&state=released&limit=2&after=" + CHANGE);
        assertThat(table.out()).contains("released").contains("more: --cursor " + OPERATION)
                .doesNotContain("there may be more");
        assertThat(csv.exitCode()).as(csv.err()).isZero();
        assertThat(csv.out()).doesNotContain("more:");
        assertThat(csv.err()).contains("more: --cursor " + OPERATION).doesNotContain("there may be more");

        answers.put("GET /api/v1/operations/", Canned.json("{\"count\": 2, \"results\": [" + OPERATION_RELEASED + ", "
                + OPERATION_RELEASED + "], \"next\": null}"));
        VpsrRun last = run("operations", "list", "--limit", "2");
        assertThat(last.exitCode()).as(last.err()).isZero();
        assertThat(last.out()).doesNotContain("more:");
        assertThat(last.err()).doesNotContain("more:");
    }

    /**
     * servers release-hold ends a restore's hold early (DELETE .../restore-hold/): the answer printed, exit 0; no hold
     * is a refusal by the server's state, exit 2. Before, no such command.
     */
    @Test
    void serversReleaseHoldEndsTheRestoresHold() {
        answers.put("DELETE /api/v1/servers/12345/restore-hold/", Canned.json(OPERATION_RELEASED));

        VpsrRun released = run("servers", "release-hold", "12345");

        assertThat(released.exitCode()).as(released.err()).isZero();
        assertThat(released.out()).contains("released").contains(OPERATION);
        assertThat(seen).contains("DELETE /api/v1/servers/12345/restore-hold/");

        answers.put("DELETE /api/v1/servers/12345/restore-hold/", new Canned(409, "application/problem+json",
                "{\"status\": 409, \"reason_code\": \"NO_RESTORE_HOLD\", \"detail\": \"no restore holds server 12345\"}",
                null));
        VpsrRun none = run("servers", "release-hold", "12345");
        assertThat(none.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(none.err()).contains("NO_RESTORE_HOLD");
    }

    /**
     * A refusal that names an operation (X-Operation-Id) prints its operation line for every command, as a create's
     * does: an approval, a hold placed. Before, only the commands that start an operation printed it.
     */
    @Test
    void aRefusalNamingAnOperationPrintsItsLineForEveryCommand() {
        String interrupted = "{\"status\": 409, \"reason_code\": \"IDEMPOTENT_REQUEST_INTERRUPTED\", \"detail\": \"x\"}";
        answers.put("POST /api/v1/operations/" + OPERATION + "/approval/",
                new Canned(409, "application/problem+json", interrupted, OPERATION));
        answers.put("POST /api/v1/snapshots/801/holds/", new Canned(409, "application/problem+json", interrupted, OPERATION));

        VpsrRun approve = run("operations", "approve", OPERATION);
        VpsrRun place = run("holds", "place", "--snapshot", "801", "--reason", "audit", "--idempotency-key", "k-1");

        for (VpsrRun refused : List.of(approve, place)) {
            assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ExitCodes.REFUSED);
            assertThat(refused.err()).contains("operation " + OPERATION + " (vpsr operations wait " + OPERATION + ")");
        }
    }

    /**
     * 406 NOT_ACCEPTABLE refuses the request's form (the Accept vpsr sent, as 415 its Content-Type): exit 1, nothing
     * was done. Before, exit 8 "the service failed".
     */
    @Test
    void notAcceptableIsARefusalOfTheRequestsForm() {
        answers.put("GET /api/v1/snapshots/", new Canned(406, "application/problem+json",
                "{\"status\": 406, \"reason_code\": \"NOT_ACCEPTABLE\", \"detail\": \"no acceptable type\"}", null));

        VpsrRun list = run("snapshots", "list");

        assertThat(list.exitCode()).as(list.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(list.err()).contains("NOT_ACCEPTABLE (406)");
    }
}
