package org.vpsrecovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A change sent, then followed with {@code --wait} (ADR 0039, amended in session 48): a read that fails on the way says
 * nothing about the change and is tried again, never the change; a refusal that names its operation is followed; a
 * change whose answer never came may have been made; {@code --timeout} bounds each read too. Against a plain HTTP server
 * on loopback that answers as the facade would, scripted read by read.
 */
class WaitingOnAChangeTest {

    private static final String OPERATION = "0198c0de-0000-7000-8000-00000000000a";
    private static final String POLL = "/api/v1/operations/" + OPERATION + "/";

    @TempDir
    Path home;

    /** One answer of the server: a status with its headers and body, or none at all. */
    record Answer(int status, Map<String, String> headers, String body, Silence silence) {
        static Answer of(int status, Map<String, String> headers, String body) {
            return new Answer(status, headers, body, Silence.NO);
        }
    }

    enum Silence { NO, CONNECTION_CLOSED, NEVER_ANSWERED }

    private final List<String> seen = new CopyOnWriteArrayList<>();
    /** What the change (any request but a read of the operation) is answered with. */
    private volatile Answer change;
    /** The reads of the operation are answered with these in turn; the last one again once they run out. */
    private final ConcurrentLinkedDeque<Answer> reads = new ConcurrentLinkedDeque<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private HttpServer server;
    private String url;

    @BeforeEach
    void listen() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            exchange.getRequestBody().readAllBytes();
            boolean read = exchange.getRequestMethod().equals("GET") && exchange.getRequestURI().getPath().equals(POLL);
            Answer answer = !read ? change : reads.size() > 1 ? reads.pollFirst() : reads.peekFirst();
            answer(exchange, answer);
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange, Answer answer) throws IOException {
        switch (answer.silence()) {
            // As a connection lost under the request: no answer at all.
            case CONNECTION_CLOSED -> throw new IllegalStateException("connection closed");
            case NEVER_ANSWERED -> {
                try {
                    ended.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
            }
            case NO -> {
                byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
                answer.headers().forEach(exchange.getResponseHeaders()::set);
                exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    @AfterEach
    void stop() {
        ended.countDown();
        server.stop(0);
    }

    private VpsrRun run(String... args) {
        return VpsrRun.of(new Vpsr.Environment(Map.of("VPSR_URL", url, "VPSR_TOKEN", "demo-team-token"), home, false),
                args);
    }

    private static Answer created() {
        return Answer.of(201, Map.of("Content-Type", "application/json", "X-Operation-Id", OPERATION),
                "{\"id\": 803, \"name\": \"pre-deploy\", \"status\": \"pending\"}");
    }

    private static Answer operationIn(String state, boolean isFinal) {
        return Answer.of(200, Map.of("Content-Type", "application/json"), "{\"id\": \"" + OPERATION
                + "\", \"operation\": \"create_snapshot\", \"server_id\": 12345, \"state\": \"" + state + "\", \"final\": "
                + isFinal + "}");
    }

    private static Answer problem(int status, String reasonCode, Map<String, String> headers) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Content-Type", "application/problem+json");
        return Answer.of(status, all, "{\"status\": " + status + ", \"reason_code\": \"" + reasonCode
                + "\", \"detail\": \"as the facade says it\", \"request_id\": \"0198c0de-0000-7000-8000-0000000000ff\"}");
    }

    private long changesSent() {
        return seen.stream().filter(request -> !request.startsWith("GET ")).count();
    }

    /**
     * A read of the operation met the team's rate spent, an instance draining, the platform's store away, or a lost
     * connection: the wait reads again (after Retry-After), and the change is sent once. Before, the command ended
     * with exit 5 ("try again": a second snapshot) or 7, without naming the operation.
     */
    @ParameterizedTest
    @ValueSource(strings = {"TEAM_RATE_LIMITED", "INSTANCE_DRAINING", "PLATFORM_UNAVAILABLE", "CONNECTION_CLOSED"})
    void aReadThatFailsOnTheWayIsReadAgainAndTheChangeIsSentOnce(String hiccup) {
        change = created();
        Answer failed = switch (hiccup) {
            case "TEAM_RATE_LIMITED" -> problem(429, hiccup, Map.of("Retry-After", "1"));
            case "CONNECTION_CLOSED" -> new Answer(0, Map.of(), "", Silence.CONNECTION_CLOSED);
            default -> problem(503, hiccup, Map.of("Retry-After", "1"));
        };
        reads.add(failed);
        if (failed.silence() == Silence.CONNECTION_CLOSED) {
            // The JDK's client sends a GET again at once when the connection it reused closed: lost twice, it reports it.
            reads.add(failed);
        }
        reads.add(operationIn("completed", true));

        VpsrRun created = run("snapshots", "create", "--server-id", "12345", "--name", "pre-deploy", "--wait");

        assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCodes.OK);
        assertThat(changesSent()).isEqualTo(1);
        assertThat(seen.stream().filter(("GET " + POLL)::equals).count()).as(seen.toString()).isGreaterThanOrEqualTo(2);
        assertThat(created.err()).contains("operation " + OPERATION + " (vpsr operations wait " + OPERATION + ")")
                .contains("vpsr: reading " + OPERATION + ": ").contains("; reading again in ")
                .contains("create_snapshot server 12345 [" + OPERATION + "]: completed");
        assertThat(created.out()).contains("pre-deploy");
    }

    /** A read refused for good (404, 401...) still ends the wait by its own exit code: reading again would not help. */
    @Test
    void aReadRefusedForGoodEndsTheWaitByItsExitCode() {
        change = created();
        reads.add(problem(401, "UNAUTHORIZED", Map.of()));

        VpsrRun created = run("snapshots", "create", "--server-id", "12345", "--name", "pre-deploy", "--wait");

        assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(created.err()).contains("operation " + OPERATION + " (vpsr operations wait " + OPERATION + ")");
        assertThat(changesSent()).isEqualTo(1);
    }

    /**
     * 504 OUTCOME_UNKNOWN names the operation that tells whether VPS.org made the change: its line is printed, and
     * with --wait the command follows it and exits by how it ends. Before, exit 8 at once, the operation unnamed.
     */
    @Test
    void anOutcomeUnknownNamesItsOperationAndWaitFollowsIt() {
        change = problem(504, "OUTCOME_UNKNOWN", Map.of("X-Operation-Id", OPERATION));
        reads.add(operationIn("unresolved", false));
        reads.add(operationIn("completed", true));

        VpsrRun unknown = run("snapshots", "create", "--server-id", "12345", "--name", "pre-deploy");
        VpsrRun followed = run("snapshots", "create", "--server-id", "12345", "--name", "pre-deploy", "--wait");

        assertThat(unknown.exitCode()).as(unknown.err()).isEqualTo(ExitCodes.SERVICE_ERROR);
        for (VpsrRun run : List.of(unknown, followed)) {
            assertThat(run.err()).contains("vpsr: OUTCOME_UNKNOWN (504): as the facade says it")
                    .contains("operation " + OPERATION + " (vpsr operations wait " + OPERATION + ")");
        }
        assertThat(followed.exitCode()).as(followed.err()).isEqualTo(ExitCodes.OK);
        assertThat(followed.err()).contains("[" + OPERATION + "]: completed");
        assertThat(changesSent()).isEqualTo(2);
    }

    /**
     * A rerun with the key of a request that was interrupted (409 IDEMPOTENT_REQUEST_INTERRUPTED) names the first
     * request's operation: --wait follows it (here it failed: exit 6). An id that names no operation leaves the
     * refusal's own exit code.
     */
    @Test
    void anInterruptedFirstRequestIsFollowedThroughTheOperationItNames() {
        change = problem(409, "IDEMPOTENT_REQUEST_INTERRUPTED", Map.of("X-Operation-Id", OPERATION));
        reads.add(operationIn("failed", true));

        VpsrRun failed = run("snapshots", "restore", "801", "--idempotency-key", "deploy-42", "--wait");

        assertThat(failed.exitCode()).as(failed.err()).isEqualTo(ExitCodes.OPERATION_FAILED);
        assertThat(failed.err()).contains("vpsr: IDEMPOTENT_REQUEST_INTERRUPTED (409)")
                .contains("operation " + OPERATION + " (vpsr operations wait " + OPERATION + ")")
                .contains("vpsr: operation " + OPERATION + " ended failed");

        reads.clear();
        reads.add(problem(404, "OPERATION_NOT_FOUND", Map.of()));
        VpsrRun noOperation = run("snapshots", "restore", "801", "--idempotency-key", "deploy-42", "--wait");

        assertThat(noOperation.exitCode()).as(noOperation.err()).isEqualTo(ExitCodes.REFUSED);
        assertThat(noOperation.err()).contains("vpsr: " + OPERATION + " is no operation to follow");
    }

    /**
     * {@code operations wait --timeout} against a service that takes the read and never answers: exit 9 by the limit
     * (each read waits no longer than the time left), not exit 7 once the 90 s request timeout passed.
     */
    @Test
    void aReadThatNeverAnswersIsGivenUpOnByTheTimeout() {
        reads.add(new Answer(0, Map.of(), "", Silence.NEVER_ANSWERED));

        VpsrRun waited = run("operations", "wait", OPERATION, "--timeout", "2");

        assertThat(waited.exitCode()).as(waited.err()).isEqualTo(ExitCodes.WAIT_TIMED_OUT);
        assertThat(waited.err()).contains("gave up waiting after 2 s; operation " + OPERATION + " goes on");
        assertThat(seen).contains("GET " + POLL);
    }

    /**
     * A change sent whose answer never came (the connection closed after the request was read) may have been made:
     * exit 8 saying so, as a 504, sent once; "could not be reached" (exit 7) stays for a read, and for a service the
     * request never reached.
     */
    @Test
    void aChangeWhoseAnswerNeverCameMayHaveTakenEffect() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> readEachRequestAndClose(socket, requests));
            Map<String, String> environment = Map.of("VPSR_URL", "http://127.0.0.1:" + socket.getLocalPort(),
                    "VPSR_TOKEN", "demo-team-token");

            VpsrRun created = VpsrRun.of(new Vpsr.Environment(environment, home, false),
                    "snapshots", "create", "--server-id", "12345", "--name", "pre-deploy", "--wait");
            VpsrRun deleted = VpsrRun.of(new Vpsr.Environment(environment, home, false), "snapshots", "delete", "803");
            assertThat(requests).filteredOn(request -> !request.startsWith("GET ")).containsExactly(
                    "POST /api/v1/snapshots/ HTTP/1.1", "DELETE /api/v1/snapshots/803/ HTTP/1.1");
            VpsrRun listed = VpsrRun.of(new Vpsr.Environment(environment, home, false), "snapshots", "list");

            for (VpsrRun change : List.of(created, deleted)) {
                assertThat(change.exitCode()).as(change.err()).isEqualTo(ExitCodes.SERVICE_ERROR);
                assertThat(change.err()).contains("then no answer came").contains("the change may have taken effect")
                        .doesNotContain("cannot reach");
            }
            assertThat(listed.exitCode()).as(listed.err()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(listed.err()).contains("cannot reach");
        }
    }

    /**
     * The service names the operation of every VPS.org failure after the intent (ADR 0023), recorded failed: a 503
     * PROVIDER_UNAVAILABLE or PROVIDER_RATE_LIMITED keeps exit 5 (try again after Retry-After, nothing was made), a 400
     * PROVIDER_LIMIT_REACHED exit 2, with --wait too: only an outcome in doubt is followed. Before, --wait followed the
     * operation to `failed` and exited 6.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PROVIDER_UNAVAILABLE", "PROVIDER_RATE_LIMITED", "PROVIDER_LIMIT_REACHED",
            "PROVIDER_REJECTED"})
    void aVpsOrgFailureNamingItsOperationKeepsItsOwnExitCodeWithWait(String reason) {
        boolean unavailable = reason.equals("PROVIDER_UNAVAILABLE") || reason.equals("PROVIDER_RATE_LIMITED");
        change = unavailable ? problem(503, reason, Map.of("X-Operation-Id", OPERATION, "Retry-After", "30"))
                : problem(400, reason, Map.of("X-Operation-Id", OPERATION));
        reads.add(operationIn("failed", true));

        VpsrRun refused = run("snapshots", "create", "--server-id", "12345", "--name", "pre-deploy", "--wait");

        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(unavailable ? ExitCodes.BUSY : ExitCodes.REFUSED);
        assertThat(refused.err()).contains("vpsr: " + reason + " (")
                .contains("operation " + OPERATION + " (vpsr operations wait " + OPERATION + ")");
        if (unavailable) {
            assertThat(refused.err()).contains("retry after: 30 s");
        }
        assertThat(seen).doesNotContain("GET " + POLL);
    }

    /**
     * A followed outcome in doubt prints the operation as last read on stdout (what the service did, since its answer
     * never came): a script reading stdout gets the operation, not nothing. Before, stdout stayed empty.
     */
    @Test
    void aFollowedOutcomeInDoubtPrintsTheOperationOnStdout() throws Exception {
        change = problem(504, "OUTCOME_UNKNOWN", Map.of("X-Operation-Id", OPERATION));
        reads.add(operationIn("completed", true));

        VpsrRun followed = run("-o", "json", "snapshots", "create", "--server-id", "12345", "--name", "pre-deploy",
                "--wait");

        assertThat(followed.exitCode()).as(followed.err()).isEqualTo(ExitCodes.OK);
        var printed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(followed.out());
        assertThat(printed.path("id").asText()).isEqualTo(OPERATION);
        assertThat(printed.path("state").asText()).isEqualTo("completed");
    }

    /**
     * {@code operations wait --timeout} whose every read failed has nothing to print: stderr says so, stdout stays
     * empty. Before, nothing said why the answer was missing.
     */
    @Test
    void aWaitWithNoReadThatSucceededSaysThereIsNothingToPrint() {
        reads.add(problem(503, "INSTANCE_DRAINING", Map.of("Retry-After", "1")));

        VpsrRun waited = run("operations", "wait", OPERATION, "--timeout", "2");

        assertThat(waited.exitCode()).as(waited.err()).isEqualTo(ExitCodes.WAIT_TIMED_OUT);
        assertThat(waited.out()).isEmpty();
        assertThat(waited.err()).contains("vpsr: no read of operation " + OPERATION + " succeeded before the limit");
    }

    /**
     * A proxy's bare 502 or 504 on a read (nginx while the service restarts: no problem+json reason) is read again,
     * never the change sent again. Before, it ended the wait with exit 8, and a rerun made a second snapshot.
     */
    @ParameterizedTest
    @ValueSource(ints = {502, 504})
    void aProxysBareGatewayFailureOnAReadIsReadAgain(int status) {
        change = created();
        reads.add(Answer.of(status, Map.of("Content-Type", "text/html"),
                "<html><body>" + status + " Bad Gateway</body></html>"));
        reads.add(operationIn("completed", true));

        VpsrRun created = run("snapshots", "create", "--server-id", "12345", "--name", "pre-deploy", "--wait");

        assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCodes.OK);
        assertThat(changesSent()).isEqualTo(1);
        assertThat(created.err()).contains("vpsr: reading " + OPERATION + ": HTTP_" + status + " (" + status + ")")
                .contains("[" + OPERATION + "]: completed");
    }

    /**
     * A Retry-After of 0 on a read is a pause of a second, not a loop of reads as fast as the service answers them
     * (ADR 0039, amended in session 51). Before, "reading again in 0 s", the reads back to back.
     */
    @Test
    void aRetryAfterOfZeroOnAReadIsAPauseOfASecond() {
        change = created();
        reads.add(problem(429, "TEAM_RATE_LIMITED", Map.of("Retry-After", "0")));
        reads.add(operationIn("completed", true));

        VpsrRun created = run("snapshots", "create", "--server-id", "12345", "--name", "pre-deploy", "--wait");

        assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCodes.OK);
        assertThat(created.err()).contains("vpsr: reading " + OPERATION + ": TEAM_RATE_LIMITED (429); reading again in 1 s")
                .doesNotContain("reading again in 0 s");
    }

    /**
     * An https:// URL at a plain HTTP port fails in the TLS handshake, before any request byte went out: exit 7
     * (cannot reach), never 8 "may have taken effect". Before, the JDK's SSLException "Unrecognized SSL message" was
     * taken for a change sent.
     */
    @Test
    void httpsAtAPlainHttpPortSendsNothing() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> answerInPlainHttp(socket));
            var environment = new Vpsr.Environment(Map.of("VPSR_URL", "https://127.0.0.1:" + socket.getLocalPort(),
                    "VPSR_TOKEN", "demo-team-token"), home, false);
            VpsrRun created = VpsrRun.of(environment, "snapshots", "create", "--server-id", "12345", "--name",
                    "pre-deploy");

            assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(created.err()).contains("cannot reach").doesNotContain("may have taken effect");
        }
    }

    /**
     * "Run it again with the same --idempotency-key" is said only of a change sent with a key: operations approve has
     * no such option. Before, every change whose answer never came was told so.
     */
    @Test
    void theSameKeyIsAdvisedOnlyForAChangeSentWithOne() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> readEachRequestAndClose(socket, requests));
            var environment = new Vpsr.Environment(Map.of("VPSR_URL", "http://127.0.0.1:" + socket.getLocalPort(),
                    "VPSR_TOKEN", "demo-team-token"), home, false);

            VpsrRun approved = VpsrRun.of(environment, "operations", "approve", OPERATION);
            VpsrRun created = VpsrRun.of(environment, "snapshots", "create", "--server-id", "12345", "--name",
                    "pre-deploy", "--idempotency-key", "deploy-42");

            for (VpsrRun change : List.of(approved, created)) {
                assertThat(change.exitCode()).as(change.err()).isEqualTo(ExitCodes.SERVICE_ERROR);
                assertThat(change.err()).contains("the change may have taken effect");
            }
            assertThat(approved.err()).doesNotContain("--idempotency-key");
            assertThat(created.err()).contains("run it again with the same --idempotency-key");
        }
    }

    /** Reads each request's first bytes and answers in plain HTTP, as a service without TLS does. */
    private static void answerInPlainHttp(ServerSocket socket) {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                connection.setSoTimeout(10_000);
                connection.getInputStream().read(new byte[4096]);
                connection.getOutputStream().write(("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                // Closed only once the client has: a close (or a reset, on a ClientHello read in part) racing the plain
                // answer may reach the JDK's client as an end of stream ("header parser received no bytes"), which it
                // cannot tell from an answer lost after sending; this test is about the plain answer.
                connection.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Reads each request whole (its head and Content-Length body), notes its first line and closes unanswered. */
    private static void readEachRequestAndClose(ServerSocket socket, List<String> requests) {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                InputStream in = connection.getInputStream();
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int next = in.read();
                    if (next < 0) {
                        break;
                    }
                    head.append((char) next);
                }
                String text = head.toString();
                requests.add(text.lines().findFirst().orElse(""));
                int length = text.lines().filter(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                        .map(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).strip()))
                        .findFirst().orElse(0);
                in.readNBytes(length);
            } catch (IOException closed) {
                return;
            }
        }
    }
}
