package org.vpsrecovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What vpsr does before and without a service: its configuration, usage errors, completion, exit codes. */
class CommandLineTest {

    @TempDir
    Path home;

    private VpsrRun run(Map<String, String> environment, String... args) {
        return VpsrRun.of(new Vpsr.Environment(environment, home, false), args);
    }

    private Path configFile(String text) throws IOException {
        Path file = home.resolve(".config/vpsr/config.properties");
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void flagsOverrideTheEnvironmentWhichOverridesTheConfigFileAndTheTokenIsNeverShown() throws IOException {
        configFile("url=http://from-file:8080\ntoken=file-secret-token\n");

        VpsrRun fromFile = run(Map.of(), "config");
        assertThat(fromFile.exitCode()).isZero();
        assertThat(fromFile.out()).contains("http://from-file:8080").contains("set  (" + home.resolve(".config/vpsr/config.properties"));

        VpsrRun fromEnvironment = run(Map.of("VPSR_URL", "http://from-env:8080", "VPSR_TOKEN", "env-secret-token"), "config");
        assertThat(fromEnvironment.out()).contains("http://from-env:8080  (VPSR_URL)").contains("set  (VPSR_TOKEN)");

        VpsrRun fromFlags = run(Map.of("VPSR_URL", "http://from-env:8080", "VPSR_TOKEN", "env-secret-token"),
                "config", "--url", "http://from-flag:8080/", "--token", "flag-secret-token");
        assertThat(fromFlags.out()).contains("http://from-flag:8080  (--url)").contains("set  (--token)");

        for (VpsrRun each : new VpsrRun[] {fromFile, fromEnvironment, fromFlags}) {
            assertThat(each.out() + each.err()).doesNotContain("secret-token");
        }
    }

    @Test
    void aConfigFileNamedByFlagOrVariableMustExist() {
        VpsrRun missing = run(Map.of(), "--config", home.resolve("nowhere.properties").toString(), "config");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("no config file at");

        VpsrRun missingFromVariable = run(Map.of("VPSR_CONFIG", home.resolve("nowhere.properties").toString()), "config");
        assertThat(missingFromVariable.exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aServiceUrlThatIsNoHttpUrlIsAUsageError() {
        VpsrRun wrong = run(Map.of("VPSR_URL", "ftp://example.org"), "snapshots", "list");
        assertThat(wrong.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(wrong.err()).contains("http(s)://host");
    }

    @Test
    void usageErrorsExitWithOne() {
        VpsrRun missingOption = run(Map.of(), "snapshots", "create", "--server-id", "12345");
        assertThat(missingOption.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missingOption.err()).contains("--name").contains("vpsr snapshots create --help");

        assertThat(run(Map.of(), "snapshot", "list").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run(Map.of(), "snapshots", "get", "not-a-number").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run(Map.of(), "-o", "yaml", "snapshots", "list").exitCode()).isEqualTo(ExitCodes.USAGE);

        // A hold is on a snapshot or a backup, not both, not neither; a policy change needs something to change.
        VpsrRun both = run(Map.of(), "holds", "list", "--snapshot", "801", "--backup", "499");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("mutually exclusive");
        assertThat(run(Map.of(), "holds", "place", "--reason", "audit").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run(Map.of(), "policies", "update", "0b6f6c4e-6f1e-4f4e-9f6e-2f6f6c4e6f1e").exitCode())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(run(Map.of(), "policies", "create", "--server-id", "1", "--all-servers").exitCode())
                .isEqualTo(ExitCodes.USAGE);
        // A wait's limit is a positive number of seconds; refused before any request (no service is running here).
        VpsrRun noTime = run(Map.of("VPSR_URL", "http://127.0.0.1:9", "VPSR_TOKEN", "t"), "operations", "wait", "x", "--timeout", "0");
        assertThat(noTime.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noTime.err()).contains("--timeout must be a positive number of seconds");
    }

    @Test
    void aServiceThatDoesNotAnswerExitsWithSeven() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        VpsrRun refused = run(Map.of("VPSR_URL", "http://127.0.0.1:" + closedPort, "VPSR_TOKEN", "t"), "snapshots", "list");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(refused.err()).contains("cannot reach http://127.0.0.1:" + closedPort);
    }

    /**
     * Plain http to a host other than loopback would carry the token readable across the network: refused, exit 2, before
     * anything is sent (it was sent: here, a lookup of the name and exit 7), unless --allow-plain-http or
     * VPSR_ALLOW_PLAIN_HTTP=1 says it is meant; https and loopback are as before (ADR 0039, amended in session 50).
     */
    @Test
    void plainHttpToAnotherHostIsRefusedUnlessAllowed() {
        Map<String, String> remote = Map.of("VPSR_URL", "http://recovery.vpsr-test.invalid:8080", "VPSR_TOKEN", "s3cret-token");

        VpsrRun refused = run(remote, "snapshots", "list");
        VpsrRun byFlag = run(remote, "--allow-plain-http", "snapshots", "list");
        VpsrRun byVariable = run(Map.of("VPSR_URL", "http://other.vpsr-test.invalid:8080", "VPSR_TOKEN", "s3cret-token",
                "VPSR_ALLOW_PLAIN_HTTP", "1"), "snapshots", "list");
        VpsrRun overTls = run(Map.of("VPSR_URL", "https://recovery.vpsr-test.invalid", "VPSR_TOKEN", "s3cret-token"),
                "snapshots", "list");
        VpsrRun fromFlag = run(Map.of("VPSR_TOKEN", "s3cret-token"), "--url", "http://10.0.0.7:8080", "backups", "list");

        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).contains("vpsr: refusing plain http to recovery.vpsr-test.invalid (the URL from VPSR_URL)")
                .contains("Use https://").contains("--allow-plain-http").contains("VPSR_ALLOW_PLAIN_HTTP=1");
        assertThat(fromFlag.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(fromFlag.err()).contains("refusing plain http to 10.0.0.7 (the URL from --url)");
        assertThat(refused.out() + refused.err() + fromFlag.err()).doesNotContain("s3cret");
        // Let through, each is then sent and meets a host that is not there.
        assertThat(byFlag.exitCode()).as(byFlag.err()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(byVariable.exitCode()).as(byVariable.err()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(overTls.exitCode()).as(overTls.err()).isEqualTo(ExitCodes.UNREACHABLE);
    }

    @Test
    void loopbackHostsAreTheOnlyOnesPlainHttpGoesToUnasked() {
        assertThat(java.util.List.of("localhost", "LOCALHOST", "app.localhost", "127.0.0.1", "127.1.2.3", "[::1]"))
                .allMatch(PlainHttp::loopback);
        assertThat(java.util.List.of("localhost.example.org", "127.0.0.1.nip.io", "10.0.0.1", "[::2]", "128.0.0.1",
                "127.0.0.256", "recovery.example.org")).noneMatch(PlainHttp::loopback);
    }

    /** A token is never shown: one a header cannot carry is refused by its source, one ending in a CR is trimmed. */
    @Test
    void aTokenAHeaderCannotCarryIsRefusedUnshownAndALineEndIsTrimmed() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort;
        VpsrRun crlf = run(Map.of("VPSR_URL", url, "VPSR_TOKEN", "s3cret-token\r"), "audit", "verify");
        assertThat(crlf.exitCode()).as(crlf.err()).isEqualTo(ExitCodes.UNREACHABLE); // sent, trimmed
        for (VpsrRun inner : new VpsrRun[] {
                run(Map.of("VPSR_URL", url, "VPSR_TOKEN", "s3cret-token\r\nX-Injected: 1"), "audit", "verify"),
                run(Map.of("VPSR_URL", url), "--token", "s3cret\u0007token", "audit", "verify")}) {
            assertThat(inner.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(inner.err()).contains("the token from").contains("HTTP header");
            assertThat(inner.out() + inner.err()).doesNotContain("s3cret");
        }
    }

    @Test
    void csvCellsASpreadsheetWouldRunAreMadeText() {
        StringWriter out = new StringWriter();
        Output output = new Output(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), Output.Format.csv,
                new com.fasterxml.jackson.databind.ObjectMapper());
        com.fasterxml.jackson.databind.node.ObjectNode row = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode().put("name", "plain").put("description", "=HYPERLINK(\"http://x\")").put("note", "@sum");
        output.rows(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(row),
                java.util.List.of("name", "description", "note"));
        assertThat(out.toString().lines()).containsExactly("name,description,note",
                "plain,\"'=HYPERLINK(\"\"http://x\"\")\",'@sum");
    }

    @Test
    void completionIsPicocliSBashScriptForEveryCommand() {
        VpsrRun completion = run(Map.of(), "completion");
        assertThat(completion.exitCode()).isZero();
        assertThat(completion.out()).startsWith("#!/usr/bin/env bash")
                .contains("complete -F _complete_vpsr")
                .contains("snapshots").contains("backups").contains("operations").contains("recoverability")
                .contains("--wait").contains("--timeout").contains("policies").contains("holds");
    }

    @Test
    void helpListsTheExitCodes() {
        VpsrRun help = run(Map.of(), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Exit codes:").contains("7    the service could not be reached")
                .contains("9    --timeout passed before the operation waited on ended")
                .contains("denied, expired").contains("rejected").contains("AUDIT_EVENT_ALTERED")
                .contains("state unknown to vpsr")
                .contains("10   the output could not be written whole");
    }

    @Test
    void everyCommandAnswersHelp() {
        java.util.List<java.util.List<String>> paths = new java.util.ArrayList<>();
        collect(Vpsr.commandLine(new Vpsr.Environment(Map.of(), home, false)), new java.util.ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(20);
        for (java.util.List<String> path : paths) {
            java.util.List<String> args = new java.util.ArrayList<>(path);
            args.add("--help");
            VpsrRun help = run(Map.of(), args.toArray(String[]::new));
            assertThat(help.exitCode()).as(String.join(" ", args) + ": " + help.err()).isZero();
            assertThat(help.out()).startsWith("Usage: vpsr " + String.join(" ", path));
        }
    }

    private static void collect(CommandLine command, java.util.List<String> path, java.util.List<java.util.List<String>> paths) {
        command.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) {
                return;
            }
            java.util.List<String> subPath = new java.util.ArrayList<>(path);
            subPath.add(name);
            paths.add(subPath);
            collect(sub, subPath, paths);
        });
    }

    @Test
    void aRefusalExitsByItsStatusAndForA400ByItsReasonCode() {
        assertThat(ExitCodes.forAnswer(400, Optional.of("INVALID_FIELD"))).isEqualTo(ExitCodes.USAGE);
        assertThat(ExitCodes.forAnswer(400, Optional.of("UNKNOWN_QUERY_PARAMETER"))).isEqualTo(ExitCodes.USAGE);
        assertThat(ExitCodes.forAnswer(400, Optional.empty())).isEqualTo(ExitCodes.USAGE);
        assertThat(ExitCodes.forAnswer(400, Optional.of("SNAPSHOT_LIMIT_REACHED"))).isEqualTo(ExitCodes.REFUSED);
        // As the facade answers it: VPS.org's precondition, its 400 (FacadeProblems: a RecoveryDenied not of the 409s).
        assertThat(ExitCodes.forAnswer(400, Optional.of("SERVER_NOT_RESTORABLE"))).isEqualTo(ExitCodes.REFUSED);
        assertThat(ExitCodes.forAnswer(409, Optional.of("RECOVERY_POINT_HELD"))).isEqualTo(ExitCodes.REFUSED);
        assertThat(ExitCodes.forAnswer(409, Optional.of("RECOVERY_POINT_IN_USE"))).isEqualTo(ExitCodes.REFUSED);
        assertThat(ExitCodes.forAnswer(422, Optional.empty())).isEqualTo(ExitCodes.REFUSED);
        assertThat(ExitCodes.forAnswer(412, Optional.of("POLICY_VERSION_CONFLICT"))).isEqualTo(ExitCodes.REFUSED);
        assertThat(ExitCodes.forAnswer(428, Optional.of("POLICY_VERSION_REQUIRED"))).isEqualTo(ExitCodes.REFUSED);
        assertThat(ExitCodes.forAnswer(404, Optional.of("SNAPSHOT_NOT_FOUND"))).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(ExitCodes.forAnswer(401, Optional.of("UNAUTHORIZED"))).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(ExitCodes.forAnswer(403, Optional.of("FORBIDDEN_FOR_ROLE"))).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(ExitCodes.forAnswer(429, Optional.of("TEAM_RATE_LIMITED"))).isEqualTo(ExitCodes.BUSY);
        assertThat(ExitCodes.forAnswer(503, Optional.of("INSTANCE_DRAINING"))).isEqualTo(ExitCodes.BUSY);
        // Refused while the platform is paused after its database was restored (ADR 0028, session 52): try again later.
        assertThat(ExitCodes.forAnswer(503, Optional.of("PAUSED_AFTER_RESTORE"))).isEqualTo(ExitCodes.BUSY);
        assertThat(ExitCodes.forAnswer(502, Optional.of("PROVIDER_UNAVAILABLE"))).isEqualTo(ExitCodes.SERVICE_ERROR);
        assertThat(ExitCodes.forAnswer(500, Optional.empty())).isEqualTo(ExitCodes.SERVICE_ERROR);
    }

    /**
     * A 409 that says "not now" with Retry-After (another change on the server, the same key's first request still
     * running) is exit 5, try again, as a 503 is; it was exit 2, "refused", which a script does not retry (session 44).
     */
    @Test
    void aBusyConflictExitsBusyNotRefused() {
        assertThat(ExitCodes.forAnswer(409, Optional.of("SERVER_BUSY"))).isEqualTo(ExitCodes.BUSY);
        assertThat(ExitCodes.forAnswer(409, Optional.of("IDEMPOTENT_REQUEST_IN_PROGRESS"))).isEqualTo(ExitCodes.BUSY);
        // VPS.org refused for now, the server being restored (ADR 0006, amended in session 51).
        assertThat(ExitCodes.forAnswer(409, Optional.of("PROVIDER_BUSY"))).isEqualTo(ExitCodes.BUSY);
        assertThat(ExitCodes.forAnswer(409, Optional.of("IDEMPOTENT_REQUEST_INTERRUPTED"))).isEqualTo(ExitCodes.REFUSED);
        // The platform's own commit in doubt: look first, never "try again" (ADR 0023, amended in session 44).
        assertThat(ExitCodes.forAnswer(504, Optional.of("PLATFORM_OUTCOME_UNKNOWN"))).isEqualTo(ExitCodes.SERVICE_ERROR);
    }
}
