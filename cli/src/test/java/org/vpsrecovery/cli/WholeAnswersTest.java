package org.vpsrecovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * An answer reaches stdout whole, or vpsr says it did not and exits non-zero. The requests go to a plain HTTP server
 * on loopback that answers as the facade would; stdout is a PrintStream, as System.out is in production.
 */
class WholeAnswersTest {

    @TempDir
    Path home;

    record Run(int exitCode, String out, String err) {
    }

    private static final String CSV_HEADER = "sequence,occurred_at,team,operation,server_id,outcome,reason_code\n";
    private static final String CSV_ROW = "1,2026-01-15T00:00:00Z,demo,CREATE_SNAPSHOT,12345,REJECTED,SNAPSHOT_LIMIT_REACHED\n";
    private static final String EVENT = "{\"sequence\": 1, \"occurred_at\": \"2026-01-15T00:00:00Z\", \"team\": \"demo\", "
            + "\"operation\": \"create_snapshot\", \"server_id\": 12345, \"outcome\": \"rejected\", "
            + "\"reason_code\": \"SNAPSHOT_LIMIT_REACHED\", \"request_id\": \"0198c0de-0000-7000-8000-000000000001\"}";

    private HttpServer server;
    private String url;
    /** When set, the answer is broken off after this many bytes: 200 and chunked, then the connection closed. */
    private volatile Integer breakOffAfter;
    /** When set, the export's CSV instead of the usual one. */
    private volatile String exportCsv;
    /** When set, every request is answered 409 with this problem+json. */
    private volatile String conflict;

    @BeforeEach
    void listen() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            boolean csv = exchange.getRequestHeaders().getFirst("Accept").startsWith("text/csv");
            if (conflict != null) {
                byte[] problem = conflict.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
                exchange.sendResponseHeaders(409, problem.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(problem);
                }
                return;
            }
            String answer = switch (path) {
                case "/api/v1/audit/events/" -> csv ? (exportCsv != null ? exportCsv : CSV_HEADER + CSV_ROW.repeat(500))
                        : "{\"count\": 20, \"next\": null, \"results\": [" + String.join(",", java.util.Collections.nCopies(20, EVENT)) + "]}";
                case "/api/v1/audit/verify/" -> "{\"intact\": true, \"events_checked\": 1234567, \"checkpoints_checked\": 42, "
                        + "\"head_hash\": \"" + "ab".repeat(32) + "\", \"latest_checkpoint\": {\"sequence\": 1234500, "
                        + "\"hash\": \"" + "cd".repeat(32) + "\"}}";
                default -> "{\"counts\": [" + String.join(",", java.util.Collections.nCopies(20,
                        "{\"bucket\": \"2026-01-15\", \"team\": null, \"operation\": \"create_snapshot\", \"outcome\": \"completed\", \"count\": 7}"))
                        + "]}";
            };
            exchange.getResponseHeaders().set("Content-Type", csv ? "text/csv" : "application/json");
            exchange.sendResponseHeaders(200, 0); // chunked, as the facade streams
            if (breakOffAfter != null) {
                OutputStream out = exchange.getResponseBody();
                out.write(answer.getBytes(StandardCharsets.UTF_8), 0, breakOffAfter);
                out.flush();
                // Ended without the last chunk, as Micronaut ends a streamed answer whose source failed.
                throw new IllegalStateException("the export's source failed");
            }
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** A disk that fills after {@code room} bytes: every later write throws, as ENOSPC does. */
    private static OutputStream diskWithRoomFor(int room) {
        return new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                if (written + length > room) {
                    throw new IOException("No space left on device");
                }
                written += length;
            }
        };
    }

    /** vpsr with stdout a PrintStream over {@code stdout}: its out is then what picocli's default out is over System.out. */
    private Run run(OutputStream stdout, String... args) {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Vpsr.commandLine(new Vpsr.Environment(
                Map.of("VPSR_URL", url, "VPSR_TOKEN", "demo-auditor-token"), home, false), new PrintStream(stdout));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Run(code, stdout.toString(), err.toString());
    }

    @Test
    void anAnswerThatReachesStdoutWholeExitsZero() {
        Run export = run(new ByteArrayOutputStream(), "audit", "export");
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).isEqualTo(CSV_HEADER + CSV_ROW.repeat(500));

        Run verify = run(new ByteArrayOutputStream(), "-o", "json", "audit", "verify");
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("\"events_checked\" : 1234567");
    }

    /**
     * A full disk under {@code vpsr ... > file}: System.out, a PrintStream, swallows the write error and only sets its
     * own flag, which the PrintWriter over it never sees. Every output format of every command ends in exit 10.
     */
    @Test
    void aFullDiskUnderStdoutEndsInExitTenForTheExportAndEveryOutputFormat() {
        String[][] commands = {
                {"audit", "export"},
                {"-o", "csv", "audit", "events"},
                {"-o", "json", "audit", "events"},
                {"audit", "events"},
                {"-o", "json", "audit", "verify"},
                {"-o", "json", "audit", "summary"},
                {"audit", "summary"}};
        for (String[] command : commands) {
            Run cutShort = run(diskWithRoomFor(200), command);
            assertThat(cutShort.exitCode()).as(String.join(" ", command) + ": " + cutShort.err())
                    .isEqualTo(ExitCodes.OUTPUT_FAILED);
            assertThat(cutShort.err()).as(String.join(" ", command))
                    .contains("vpsr: the output could not be written whole (a full disk or a closed pipe?)");
        }
    }

    /**
     * A 200 whose chunked body the service broke off (the export's read failed on the service): not "unreachable"
     * (exit 7), but the service failed (exit 8), saying that what is on stdout is incomplete.
     */
    @Test
    void anExportTheServiceBreaksOffIsAServiceFailureWithItsOutputIncomplete() {
        breakOffAfter = CSV_HEADER.length() + 3 * CSV_ROW.length();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        Run brokenOff = run(stdout, "audit", "export");

        assertThat(brokenOff.exitCode()).as(brokenOff.err()).isEqualTo(ExitCodes.SERVICE_ERROR);
        assertThat(brokenOff.err()).contains("vpsr: the service broke off its answer before the end")
                .contains("the output written is incomplete").doesNotContain("cannot reach");
        assertThat(brokenOff.out()).isEqualTo(CSV_HEADER + CSV_ROW.repeat(3));
    }

    /**
     * A read that meets an audit event changed outside the platform (409 AUDIT_EVENT_ALTERED) is a broken chain, exit
     * 6 as audit verify's, not a refusal of the request (exit 2 for any other 409).
     */
    @Test
    void aReadThatMeetsAnAlteredEventExitsAsABrokenChain() {
        conflict = "{\"status\": 409, \"reason_code\": \"AUDIT_EVENT_ALTERED\", \"sequence\": 7, \"detail\": \"event 7 of "
                + "the audit history is no longer a valid audit event (no team id): ... vpsr audit verify ...\"}";
        for (String[] command : new String[][] {{"audit", "events"}, {"audit", "export"}}) {
            Run refused = run(new ByteArrayOutputStream(), command);

            assertThat(refused.exitCode()).as(String.join(" ", command) + ": " + refused.err())
                    .isEqualTo(ExitCodes.OPERATION_FAILED);
            assertThat(refused.err()).contains("vpsr: AUDIT_EVENT_ALTERED (409): event 7 of the audit history");
            assertThat(refused.out()).isEmpty();
        }
    }

    /**
     * An export already streaming when the service met an altered event: its last line says so, then the body is
     * broken off. Exit 6, saying which event, with what was written left on stdout, the marker line last.
     */
    @Test
    void anExportStoppedAtAnAlteredEventSaysWhichAndExitsAsABrokenChain() {
        String marker = "#AUDIT_EVENT_ALTERED: event 1 of the audit history is no longer a valid audit event (occurred at "
                + "+292278994-08-17T07:12:55.807Z is beyond what epoch microseconds can hold): ...; this export is "
                + "incomplete\r\n";
        exportCsv = CSV_HEADER + CSV_ROW.repeat(3) + marker;
        breakOffAfter = exportCsv.length();

        Run stopped = run(new ByteArrayOutputStream(), "audit", "export");

        assertThat(stopped.exitCode()).as(stopped.err()).isEqualTo(ExitCodes.OPERATION_FAILED);
        assertThat(stopped.err()).contains("vpsr: AUDIT_EVENT_ALTERED: event 1 of the audit history is no longer a valid "
                + "audit event").contains("this export is incomplete").doesNotContain("broke off");
        assertThat(stopped.out()).isEqualTo(exportCsv);
    }
}
