package org.vpsrecovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vpsr audit verify}: the short walk (--from latest-checkpoint), and a whole walk whose answer never comes
 * (the service closes a connection silent for its idle timeout; vpsr's own timeout). Against a plain HTTP server on
 * loopback that answers as the facade would.
 */
class AuditVerifyTest {

    @TempDir
    Path home;

    enum Answer { INTACT, CONNECTION_CLOSED, NONE }

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Answer answer = Answer.INTACT;
    private HttpServer server;
    private String url;

    @BeforeEach
    void listen() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestURI().toString());
            exchange.getRequestBody().readAllBytes();
            switch (answer) {
                // As Micronaut's idle handler does to a walk past micronaut.server.idle-timeout: no answer at all.
                case CONNECTION_CLOSED -> throw new IllegalStateException("idle: connection closed");
                case NONE -> {
                    try {
                        stopped.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.close();
                    return;
                }
                case INTACT -> {
                    byte[] body = "{\"intact\": true, \"events_checked\": 12, \"checkpoints_checked\": 3}"
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        stopped.countDown();
        server.stop(0);
    }

    private VpsrRun run(String... args) {
        return VpsrRun.of(new Vpsr.Environment(
                Map.of("VPSR_URL", url, "VPSR_TOKEN", "demo-auditor-token"), home, false), args);
    }

    @Test
    void fromLatestCheckpointAsksForTheShortWalkAndTheDefaultForTheWholeOne() {
        VpsrRun whole = run("audit", "verify");
        VpsrRun whole2 = run("audit", "verify", "--from", "first");
        VpsrRun shortWalk = run("audit", "verify", "--from", "latest-checkpoint");
        VpsrRun wrong = run("audit", "verify", "--from", "yesterday");

        assertThat(List.of(whole, whole2, shortWalk)).allSatisfy(each -> {
            assertThat(each.exitCode()).as(each.err()).isZero();
            assertThat(each.out()).containsPattern("events_checked +12");
        });
        assertThat(wrong.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(wrong.err()).contains("--from must be first or latest-checkpoint");
        assertThat(seen).containsExactly("/api/v1/audit/verify/", "/api/v1/audit/verify/?from=first",
                "/api/v1/audit/verify/?from=latest-checkpoint");
    }

    /** A whole walk cut off (the service's idle timeout, or vpsr's) is exit 7 still, pointing at the short walk. */
    @Test
    void aWholeWalkWhoseAnswerNeverComesPointsAtTheShortWalk() {
        answer = Answer.CONNECTION_CLOSED;
        VpsrRun closed = run("audit", "verify");
        VpsrRun closedShortWalk = run("audit", "verify", "--from", "latest-checkpoint");
        answer = Answer.NONE;
        VpsrRun timedOut = run("audit", "verify", "--timeout", "1");

        for (VpsrRun cutOff : List.of(closed, timedOut)) {
            assertThat(cutOff.exitCode()).as(cutOff.err()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(cutOff.err()).contains("vpsr: cannot reach " + url)
                    .contains("vpsr: a walk of the whole chain is cut off once it outlasts the service's "
                            + "micronaut.server.idle-timeout")
                    .contains("vpsr audit verify --from latest-checkpoint");
        }
        assertThat(timedOut.err()).contains("timed out");
        assertThat(closedShortWalk.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(closedShortWalk.err()).doesNotContain("--from latest-checkpoint");
        assertThat(run("audit", "verify", "--timeout", "0").exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
