package org.vpsrecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.Console;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.vpsrecovery.cli.FacadeClient.FacadeProblem;
import org.vpsrecovery.cli.FacadeClient.Unreachable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code vpsr}: the platform's snapshots, backups, operations, policies, holds and audit reports from a shell. */
@Command(name = "vpsr", mixinStandardHelpOptions = true, versionProvider = Vpsr.Version.class,
        description = "A client of the vps-recovery REST facade: snapshots, backups, restores, operations, policies, holds "
                + "and audit reports.",
        subcommands = {SnapshotsCommand.class, BackupsCommand.class, ServersCommand.class, OperationsCommand.class,
                PoliciesCommand.class, HoldsCommand.class, ChangesCommand.class,
                AuditCommand.class, ConfigCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class},
        footerHeading = "%nConfiguration:%n",
        usageHelpWidth = 100,
        footer = {"  url    --url, else VPSR_URL, else url= in the config file, else http://127.0.0.1:8080",
                "  token  --token, else VPSR_TOKEN, else token= in the config file; never printed",
                "  team   --team, else VPSR_TEAM, else team= in the config file; sent as X-Vpsr-Team",
                "         (a person whose token names several teams chooses one)",
                "  file   --config, else VPSR_CONFIG, else $XDG_CONFIG_HOME/vpsr/config.properties",
                "         (~/.config/vpsr/config.properties)"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done (with --wait: the operation completed)",
                "1:usage error, or a request refused for its form (400 INVALID_..., TEAM_NOT_CHOSEN, 406, 413, "
                        + "415, 431)",
                "2:refused by a policy, a limit or the resource's state (409, 412, 422, 428, other 400s such as "
                        + "TEAM_NOT_THE_TOKENS); "
                        + "plain http:// to a host other than loopback without --allow-plain-http",
                "3:not found (404)",
                "4:unauthorized or forbidden (401, 403)",
                "5:rate-limited, busy or unavailable (429, 503, 409 SERVER_BUSY, PROVIDER_BUSY or "
                        + "IDEMPOTENT_REQUEST_IN_PROGRESS); "
                        + "Retry-After is printed",
                "6:the operation ended failed, vanished or timed_out, or (two-person approval) denied, expired or "
                        + "rejected; or the audit chain is broken (audit verify, or a read met AUDIT_EVENT_ALTERED)",
                "7:the service could not be reached",
                "8:the service or VPS.org failed (500, 502, 504, other), or a change was sent and no answer came; "
                        + "a 2xx that is not JSON (an export not CSV, a list no list) or broken off; --wait with no "
                        + "operation named; an operation ended in a state "
                        + "unknown to vpsr",
                "9:--timeout passed before the operation waited on ended (it goes on)",
                "10:the output could not be written whole (a full disk, a closed pipe)"})
public final class Vpsr {

    public static final String VERSION = "0.1.0";

    /** What the command reads from its process: variables, home directory, whether a person watches a terminal. */
    public record Environment(Map<String, String> variables, Path home, boolean terminal) {

        public static Environment ofProcess() {
            return new Environment(System.getenv(), Path.of(System.getProperty("user.home")), isTerminal());
        }

        /**
         * Up to JDK 21 a console exists only on a terminal; from 22 on it may exist without one and
         * {@code Console.isTerminal()} tells (looked up by name: this module compiles for release 21).
         */
        private static boolean isTerminal() {
            Console console = System.console();
            if (console == null) {
                return false;
            }
            try {
                return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
            } catch (ReflectiveOperationException e) {
                return true;
            }
        }
    }

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "the service, e.g. http://127.0.0.1:8080 (overrides VPSR_URL and the config file)")
    String url;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "the bearer token (overrides VPSR_TOKEN and the config file; prefer VPSR_TOKEN: other "
                    + "users may see a command line)")
    String token;

    @Option(names = "--team", scope = ScopeType.INHERIT, paramLabel = "TEAM",
            description = "the team to act for, sent as X-Vpsr-Team: a person whose token names several teams chooses "
                    + "one (overrides VPSR_TEAM and the config file); on audit events, export and summary it also "
                    + "filters by that team")
    String team;

    @Option(names = PlainHttp.FLAG, scope = ScopeType.INHERIT,
            description = "send the token over plain http:// to a host other than this machine's loopback (refused "
                    + "otherwise, exit 2; also VPSR_ALLOW_PLAIN_HTTP=1): only on a network you trust")
    boolean allowPlainHttp;

    @Option(names = "--config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "the config file (properties: url, token, team)")
    Path config;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default), json or csv")
    Output.Format format;

    @Spec
    CommandSpec spec;

    private final Environment environment;
    /** The stream under the command line's out: the process's stdout, unless a test gives another. */
    private final PrintStream stdout;
    private final ObjectMapper json = new ObjectMapper();

    public Vpsr(Environment environment) {
        this(environment, System.out);
    }

    private Vpsr(Environment environment, PrintStream stdout) {
        this.environment = environment;
        this.stdout = stdout;
    }

    public static void main(String[] args) {
        System.exit(commandLine(Environment.ofProcess(), System.out).execute(args));
    }

    /** The command line with the exit codes of {@link ExitCodes}; its out and err may be replaced (tests). */
    public static CommandLine commandLine(Environment environment) {
        return commandLine(environment, System.out);
    }

    /**
     * As {@link #commandLine(Environment)}, its out written to {@code stdout} as picocli's own default out is (a
     * PrintWriter over a BufferedWriter over an OutputStreamWriter). A PrintStream keeps its write errors (ENOSPC,
     * EPIPE) to itself, and so does the PrintWriter over it: after every command both are asked, and an answer not
     * written whole ends in exit 10 ({@link ExitCodes#OUTPUT_FAILED}), never 0.
     */
    public static CommandLine commandLine(Environment environment, PrintStream stdout) {
        Vpsr vpsr = new Vpsr(environment, stdout);
        CommandLine commandLine = new CommandLine(vpsr);
        commandLine.setOut(new PrintWriter(new BufferedWriter(new OutputStreamWriter(stdout, stdout.charset())), true));
        commandLine.setExecutionStrategy(parsed -> {
            int code = new CommandLine.RunLast().execute(parsed);
            if (!vpsr.outputFailed()) {
                return code;
            }
            PrintWriter err = commandLine.getErr();
            err.println("vpsr: " + new FacadeClient.OutputFailed().getMessage());
            err.flush();
            // A non-zero code already says the command failed, and says how (a broken chain stays exit 6).
            return code == ExitCodes.OK ? ExitCodes.OUTPUT_FAILED : code;
        });
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("vpsr: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            err.flush();
            return ExitCodes.USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            int code = switch (e) {
                case FacadeProblem problem -> {
                    report(problem, err);
                    yield problem.exitCode();
                }
                case Unreachable unreachable -> {
                    err.println("vpsr: " + unreachable.getMessage());
                    unreachable.hint.ifPresent(hint -> err.println("vpsr: " + hint));
                    yield ExitCodes.UNREACHABLE;
                }
                case FacadeClient.AlteredEventInExport altered -> {
                    err.println("vpsr: " + ExitCodes.AUDIT_EVENT_ALTERED + ": " + altered.getMessage());
                    yield ExitCodes.OPERATION_FAILED;
                }
                case FacadeClient.ChangeInDoubt inDoubt -> {
                    err.println("vpsr: " + inDoubt.getMessage());
                    yield ExitCodes.SERVICE_ERROR;
                }
                case FacadeClient.NotTheServicesAnswer notJson -> {
                    err.println("vpsr: " + notJson.getMessage());
                    yield ExitCodes.SERVICE_ERROR;
                }
                case FacadeClient.AnswerCutShort brokenOff -> {
                    err.println("vpsr: " + brokenOff.getMessage());
                    brokenOff.operationId.ifPresent(id -> printOperation(id, err));
                    yield ExitCodes.SERVICE_ERROR;
                }
                case FacadeClient.OutputFailed cutShort -> {
                    err.println("vpsr: " + cutShort.getMessage());
                    yield ExitCodes.OUTPUT_FAILED;
                }
                case PlainHttp.Refused refused -> {
                    err.println("vpsr: " + refused.getMessage());
                    yield ExitCodes.REFUSED;
                }
                case IllegalArgumentException wrong -> {
                    err.println("vpsr: " + wrong.getMessage());
                    yield ExitCodes.USAGE;
                }
                default -> {
                    err.println("vpsr: unexpected failure: " + e);
                    yield ExitCodes.SERVICE_ERROR;
                }
            };
            err.flush();
            return code;
        });
        return commandLine;
    }

    /**
     * A refusal on stderr: its reason code, status and detail, then what the user can do and quote; and the operation it
     * names (X-Operation-Id), whichever command was refused: a decision or a hold's, as a create's.
     */
    private static void report(FacadeProblem problem, PrintWriter err) {
        err.println("vpsr: " + problem.reasonCode.orElse("HTTP_" + problem.status) + " (" + problem.status
                + "): " + problem.getMessage());
        problem.hint.ifPresent(hint -> err.println("vpsr: " + hint));
        problem.requestId.ifPresent(id -> err.println("request id: " + id));
        problem.retryAfter.ifPresent(seconds -> err.println("retry after: " + seconds + " s"));
        problem.operationId.ifPresent(id -> printOperation(id, err));
    }

    Connection connection() {
        return Connection.resolve(url, token, team, config, environment.variables(), environment.home());
    }

    /**
     * The team given with {@code --team}, checked: the audit reads' team filter too (it was their own {@code --team}
     * before there was a global one). VPSR_TEAM and the config file never filter: an auditor's would hide teams.
     */
    Optional<String> teamGivenOnTheCommandLine() {
        Connection connection = connection();
        return connection.team().filter(chosen -> connection.teamSource().equals("--team"));
    }

    /** The facade's client; plain http to another machine is refused first, unless allowed ({@link PlainHttp}). */
    FacadeClient facade() {
        Connection connection = connection();
        PlainHttp.check(connection, allowPlainHttp, environment.variables());
        return new FacadeClient(connection, json);
    }

    Output output() {
        return new Output(spec.commandLine().getOut(), spec.commandLine().getErr(), format, json);
    }

    /**
     * Whether something written to stdout was lost: the out's own error (a Writer that threw), then the stream's
     * (each check flushes what the one above holds into the one below, so the order matters).
     */
    boolean outputFailed() {
        boolean writerFailed = spec.commandLine().getOut().checkError();
        return stdout.checkError() || writerFailed;
    }

    ObjectMapper json() {
        return json;
    }

    Environment environment() {
        return environment;
    }

    /**
     * Sends a change that starts an operation (a create, delete or restore), prints the answer (or, for an empty one,
     * what was asked and its operation) and the operation's line, then with {@code wait} follows the operation to its
     * end. A refusal that names an operation is printed with that line too; when the change may have been made
     * ({@link #OUTCOME_IN_DOUBT}) {@code wait} follows it and the command exits by how the operation ends. Any other
     * refusal keeps its own exit code: the service names the operation of every VPS.org failure after the intent, and
     * those ended {@code failed} (a 503 PROVIDER_UNAVAILABLE is exit 5, try again; a 400 PROVIDER_LIMIT_REACHED
     * exit 2).
     */
    int changed(FacadeClient facade, Supplier<FacadeClient.Answer> request, ObjectNode whenEmpty, WaitOptions wait) {
        FacadeClient.Answer answer;
        try {
            answer = request.get();
        } catch (FacadeProblem refused) {
            if (refused.operationId.isEmpty()) {
                throw refused;
            }
            if (refused.reasonCode.filter(OUTCOME_IN_DOUBT::contains).isEmpty()) {
                report(refused, spec.commandLine().getErr());
                return refused.exitCode();
            }
            return inDoubt(facade, refused, refused.operationId.get(), wait);
        }
        Optional<String> operationId = answer.header("X-Operation-Id");
        JsonNode shown = answer.body();
        if (shown == null || shown.isNull() || shown.isMissingNode()) {
            operationId.ifPresent(id -> whenEmpty.put("operation_id", id));
            shown = whenEmpty;
        }
        output().object(shown);
        PrintWriter err = spec.commandLine().getErr();
        // Printed before following: whatever ends the wait, the operation to pick up again has been named.
        operationId.ifPresent(id -> printOperation(id, err));
        if (!wait.wait) {
            return ExitCodes.OK;
        }
        if (operationId.isEmpty()) {
            // Accepted, but with nothing to follow, nobody can say VPS.org completed it: not exit 0.
            err.println("vpsr: the answer names no operation (no X-Operation-Id): whether the change completed is "
                    + "unknown; look before running it again (vpsr operations list)");
            err.flush();
            return ExitCodes.SERVICE_ERROR;
        }
        return followed(facade, operationId.get(), wait.limit());
    }

    /**
     * The reason codes of a refusal whose change may have been made anyway: VPS.org's answer lost, the platform's own
     * commit in doubt, the key's first request interrupted. Only their operation is followed.
     */
    private static final Set<String> OUTCOME_IN_DOUBT = Set.of("OUTCOME_UNKNOWN",
            "PLATFORM_OUTCOME_UNKNOWN", "IDEMPOTENT_REQUEST_INTERRUPTED");

    /**
     * A refusal whose change may have been made anyway: it names the operation, which tells how it ended. Followed, the
     * operation as last read is printed on stdout: the service's answer never came, the operation is what it did.
     */
    private int inDoubt(FacadeClient facade, FacadeProblem refused, String operationId, WaitOptions wait) {
        PrintWriter err = spec.commandLine().getErr();
        report(refused, err);
        if (!wait.wait) {
            return refused.exitCode();
        }
        try {
            return followedAndPrinted(facade, operationId, wait.limit());
        } catch (FacadeProblem notAnOperation) {
            if (notAnOperation.status != 404) {
                throw notAnOperation;
            }
            // An interrupted request's id may name a change recorded without an operation: the refusal stands.
            err.println("vpsr: " + operationId + " is no operation to follow; the refusal above stands");
            err.flush();
            return refused.exitCode();
        }
    }

    private static void printOperation(String operationId, PrintWriter err) {
        err.println("operation " + operationId + " (vpsr operations wait " + operationId + ")");
        err.flush();
    }

    /**
     * After a change of the platform's own records (a hold release, a policy change): a 202 is a change waiting for a
     * second person of the team (ADR 0043). Its id is printed; with {@code wait} it is followed to its end (exit 6
     * when it ends denied, expired or rejected). Any other answer is printed as {@code done} would show it.
     */
    int changedOrPending(FacadeClient facade, FacadeClient.Answer answer, JsonNode done, WaitOptions wait) {
        if (answer.status() != 202) {
            output().object(done);
            return ExitCodes.OK;
        }
        output().object(answer.body());
        String id = answer.body().path("id").asText();
        PrintWriter err = spec.commandLine().getErr();
        err.println("pending approval: change " + id + " waits for another person of the team (vpsr operations approve "
                + id + ")");
        err.flush();
        return wait.wait ? followed(facade, id, wait.limit(), OperationWatch.CHANGES) : ExitCodes.OK;
    }

    /** Follows the operation to its end, or until {@code limit} has passed (then exit 9: it goes on without us). */
    int followed(FacadeClient facade, String operationId, Optional<Duration> limit) {
        return followed(facade, operationId, limit, OperationWatch.OPERATIONS, read -> { });
    }

    /** As {@link #followedAndPrinted(FacadeClient, String, Optional, String)}, an operation's. */
    int followedAndPrinted(FacadeClient facade, String operationId, Optional<Duration> limit) {
        return followedAndPrinted(facade, operationId, limit, OperationWatch.OPERATIONS);
    }

    /**
     * As {@link #followed(FacadeClient, String, Optional, String)}, then prints it as last read on stdout, not read
     * once more: past the limit a service that does not answer would hold the command for another request's timeout.
     * When no read succeeded before the limit, stderr says there is nothing to print.
     */
    int followedAndPrinted(FacadeClient facade, String id, Optional<Duration> limit, String base) {
        AtomicReference<JsonNode> lastRead = new AtomicReference<>();
        int code = followed(facade, id, limit, base, lastRead::set);
        if (lastRead.get() != null) {
            output().object(lastRead.get());
        } else {
            PrintWriter err = spec.commandLine().getErr();
            err.println("vpsr: no read of " + (base.equals(OperationWatch.CHANGES) ? "change " : "operation ") + id
                    + " succeeded before the limit: nothing to print");
            err.flush();
        }
        return code;
    }

    /** As {@link #followed(FacadeClient, String, Optional)}, reading it under {@code base}: an operation's or a change's. */
    int followed(FacadeClient facade, String operationId, Optional<Duration> limit, String base) {
        return followed(facade, operationId, limit, base, read -> { });
    }

    /** As {@link #followed(FacadeClient, String, Optional, String)}, handing {@code eachRead} every state read. */
    int followed(FacadeClient facade, String operationId, Optional<Duration> limit, String base,
                 Consumer<JsonNode> eachRead) {
        PrintWriter err = spec.commandLine().getErr();
        String what = base.equals(OperationWatch.CHANGES) ? "change" : "operation";
        Optional<JsonNode> ended = new OperationWatch(facade, err, environment.terminal(), base)
                .follow(operationId, limit, eachRead);
        if (ended.isEmpty()) {
            err.println("vpsr: gave up waiting after " + limit.orElseThrow().toSeconds() + " s; " + what + " " + operationId
                    + " goes on (vpsr operations wait " + operationId + ")");
            err.flush();
            return ExitCodes.WAIT_TIMED_OUT;
        }
        JsonNode end = ended.get();
        if (OperationWatch.failed(end)) {
            err.println("vpsr: " + what + " " + operationId + " ended " + end.path("state").asText()
                    + (end.hasNonNull("note") ? ": " + end.get("note").asText() : ""));
            err.flush();
            return ExitCodes.OPERATION_FAILED;
        }
        if (!OperationWatch.succeeded(end)) {
            // A final state newer than this vpsr: neither "done" nor a failure it can name.
            err.println("vpsr: " + what + " " + operationId + " ended in state " + end.path("state").asText()
                    + ", an unknown state: see the " + what + " (vpsr operations wait " + operationId + " prints it)");
            err.flush();
            return ExitCodes.SERVICE_ERROR;
        }
        return ExitCodes.OK;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vpsr " + VERSION};
        }
    }
}
