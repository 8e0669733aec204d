package org.vpsrecovery.bootstrap.process;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.vpsrecovery.bootstrap.EmbeddedDataDirectory;
import org.vpsrecovery.bootstrap.StartupRefused;

/**
 * One vps-recovery service process, started the way an operator starts it: {@code java -jar
 * bootstrap/target/vps-recovery.jar} (the shaded jar {@code package} builds) with environment
 * variables and files, its stdout and stderr written to files under
 * {@code target/service-processes/<name>-<n>/}.
 *
 * <pre>{@code
 * ServiceProcess.Builder service = ServiceProcess.builder("two-on-one-db")
 *         .env("VPSR_DATABASE_URL", db.url()).env("VPSR_DATABASE_USER", db.user())
 *         .env("VPSR_DATABASE_PASSWORD", db.password())
 *         .env("VPSORG_BASE_URL", simulator.baseUri().toString()).env("VPSORG_API_TOKEN", VpsOrgSimulator.DEMO_TOKEN)
 *         .file("VPSR_TEAMS_FILE", "teams.properties", teams);
 * try (ServiceProcess a = service.start(); ServiceProcess b = service.start()) {   // two processes, own ports
 *     a.send("POST", "/api/v1/snapshots/", token, body);
 *     a.killNow();                                                             // kill -9
 * }
 * }</pre>
 *
 * <p>Defaults, each overridden by setting the variable: {@code VPSR_PORT=0} (the system picks a
 * free port; the fixture reads the one taken from the service's "listening on" line),
 * {@code VPSR_HOST=127.0.0.1}, {@code VPSR_DATA_DIR} in the process's own directory, and, with
 * {@code VPSR_DATABASE_URL}, {@code VPSR_CHECKPOINT_KEY_FILE} a key of the process's own. The test JVM's own {@code VPSR_*},
 * {@code VPSORG_*} and {@code MICRONAUT_*} variables are not passed on. Every wait is bounded;
 * every process is killed when it is closed or, failing that, when the test JVM ends.
 */
public final class ServiceProcess implements AutoCloseable {

    /**
     * The test scaffolding's JVM options for a started service, unless a test sets its own (those checking the
     * operator's flags, e.g. {@code @docs/deploy/jvm.options}, do): the serial collector, a 512 MB heap and the client
     * compiler only. A process here lives seconds to minutes on two shared cores: C2's compiler threads slowed its
     * start and the test's other processes more than its code paid back (ADR 0002, amended in session 54).
     */
    public static final List<String> TEST_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms64m", "-Xmx512m",
            "-XX:TieredStopAtLevel=1");

    /** Printed by the service once its HTTP server is up (Application.printWelcome). */
    private static final Pattern LISTENING = Pattern.compile("vps-recovery is listening on (http://\\S+)");
    private static final List<String> NOT_INHERITED = List.of("VPSR_", "VPSORG_", "MICRONAUT_");
    private static final Duration KILL_WAIT = Duration.ofSeconds(30);
    private static final Duration LEFTOVER_POSTGRES_STOP_WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Set<ServiceProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ServiceProcess::close),
                "service-process-cleanup"));
    }

    private final String name;
    private final Path directory;
    private final Map<String, String> environment;
    private final Process process;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile URI baseUrl;

    private ServiceProcess(String name, Path directory, Map<String, String> environment, Process process,
                           Duration startTimeout, Duration stopTimeout) {
        this.name = name;
        this.directory = directory;
        this.environment = Map.copyOf(environment);
        this.process = process;
        this.startTimeout = startTimeout;
        this.stopTimeout = stopTimeout;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Where the processes' directories go: {@code vpsr.service.output}, else {@code target/service-processes}. */
    public static Path outputRoot() {
        return Path.of(System.getProperty("vpsr.service.output", "target/service-processes")).toAbsolutePath();
    }

    /** A new, empty directory under {@link #outputRoot()}, e.g. a data directory several processes share. */
    public static Path newDirectory(String name) {
        try {
            Files.createDirectories(outputRoot());
            return Files.createTempDirectory(outputRoot(), name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code directory}, created empty: an earlier run of the tests left its own there, and its signed
     * checkpoints would be read against this run's fresh database as a rewritten history.
     */
    private static Path emptied(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (var paths = Files.walk(directory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        return Files.createDirectories(directory);
    }

    /** What to start; one builder can start any number of processes, each in its own directory. */
    public static final class Builder {

        private final String name;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Map<String, FileToWrite> files = new LinkedHashMap<>();
        private List<String> jvmOptions = TEST_JVM_OPTIONS;
        private Path jar = Path.of(System.getProperty("vpsr.service.jar", "target/vps-recovery.jar")).toAbsolutePath();
        private Duration startTimeout = Duration.ofSeconds(180);
        private Duration stopTimeout = Duration.ofSeconds(60);

        private record FileToWrite(String fileName, String content) {
        }

        private Builder(String name) {
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("a process name is letters, digits, '.', '_' or '-': " + name);
            }
            this.name = name;
        }

        /** One environment variable; a later call for the same name wins. */
        public Builder env(String variable, String value) {
            environment.put(variable, value);
            return this;
        }

        public Builder env(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        /** Writes {@code content} to {@code fileName} in each process's directory and sets {@code variable} to its path. */
        public Builder file(String variable, String fileName, String content) {
            files.put(variable, new FileToWrite(fileName, content));
            return this;
        }

        /** Replaces the JVM options (default: {@link #TEST_JVM_OPTIONS}); {@code java.io.tmpdir} is always set. */
        public Builder jvmOptions(String... options) {
            this.jvmOptions = List.of(options);
            return this;
        }

        /** The jar to run: {@code vpsr.service.jar}, else {@code target/vps-recovery.jar}. */
        public Builder jar(Path jar) {
            this.jar = jar.toAbsolutePath();
            return this;
        }

        /** How long {@link ServiceProcess#awaitReady()} waits (default 180 s: two shared cores, a first initdb). */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /** How long {@link ServiceProcess#stop()} waits after SIGTERM (default 60 s). */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = timeout;
            return this;
        }

        /** Starts a process and waits until it answers HTTP (bounded by the start timeout). */
        public ServiceProcess start() {
            ServiceProcess started = launch();
            try {
                return started.awaitReady();
            } catch (RuntimeException | Error e) {
                started.close();
                throw e;
            }
        }

        /** Starts a process and returns at once, e.g. to watch it refuse a configuration ({@link ServiceProcess#awaitExit}). */
        public ServiceProcess launch() {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build it first (./mvnw -pl bootstrap -am package -DskipTests)");
            }
            try {
                Files.createDirectories(outputRoot());
                Path directory = emptied(outputRoot().resolve(name + "-" + INSTANCES.incrementAndGet()));
                Map<String, String> given = new LinkedHashMap<>(environment);
                for (Map.Entry<String, FileToWrite> file : files.entrySet()) {
                    Path written = Files.writeString(directory.resolve(file.getValue().fileName()), file.getValue().content());
                    given.put(file.getKey(), written.toString());
                }
                given.putIfAbsent("VPSR_PORT", "0");
                given.putIfAbsent("VPSR_HOST", "127.0.0.1");
                // Always the process's own: even with an external database the data directory holds the
                // signed chain checkpoints (ADR 0022), which must not mix between tests' databases.
                given.putIfAbsent("VPSR_DATA_DIR", directory.resolve("data").toString());
                // The shared database requires a checkpoint key (ADR 0022, amended in session 56): the process's own,
                // as the key it generated was before. A test of the refusal sets the variable empty.
                if (given.containsKey("VPSR_DATABASE_URL") && !given.containsKey("VPSR_CHECKPOINT_KEY_FILE")) {
                    given.put("VPSR_CHECKPOINT_KEY_FILE", checkpointKey(directory.resolve("checkpoint-key.pem")).toString());
                }
                Path tmp = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
                List<String> command = new ArrayList<>();
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                command.addAll(jvmOptions);
                // zonky unpacks its PostgreSQL binaries under java.io.tmpdir: share the test JVM's (target/).
                command.add("-Djava.io.tmpdir=" + tmp);
                command.add("-jar");
                command.add(jar.toString());
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(directory.toFile())
                        .redirectOutput(directory.resolve("stdout.log").toFile())
                        .redirectError(directory.resolve("stderr.log").toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
                builder.environment().keySet().removeIf(v -> NOT_INHERITED.stream().anyMatch(v::startsWith));
                builder.environment().putAll(given);
                Files.write(directory.resolve("command.txt"), command, StandardCharsets.UTF_8);
                ServiceProcess started = new ServiceProcess(name, directory, given, builder.start(), startTimeout, stopTimeout);
                LIVE.add(started);
                return started;
            } catch (IOException e) {
                throw new UncheckedIOException("could not start " + name, e);
            }
        }

        /** A new Ed25519 private key in PKCS#8 PEM, as {@code openssl genpkey -algorithm ed25519} writes it. */
        public static Path checkpointKey(Path file) throws IOException {
            try {
                byte[] der = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate()
                        .getEncoded();
                return Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                        + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static java.io.File nullDevice() {
            return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
        }
    }

    /**
     * Waits until the service printed where it listens and answers {@code GET /health} (any status),
     * at most the start timeout; fails at once, with its output, if the process ends first.
     */
    public ServiceProcess awaitReady() {
        try {
            await("service process " + directory.getFileName() + " to answer")
                    .atMost(startTimeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("the process ended", () -> !process.isAlive())
                    .until(this::answers);
            return this;
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new IllegalStateException("service process " + directory.getFileName() + " did not answer ("
                    + e.getMessage() + ")" + describeOutput(), e);
        }
    }

    private boolean answers() {
        if (baseUrl == null) {
            Matcher listening = LISTENING.matcher(stdout());
            if (!listening.find()) {
                return false;
            }
            baseUrl = URI.create(listening.group(1));
        }
        try {
            http.send(HttpRequest.newBuilder(baseUrl.resolve("/health")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The service's base URL, e.g. {@code http://127.0.0.1:40123}; known once {@link #awaitReady()} returned. */
    public URI baseUrl() {
        if (baseUrl == null) {
            throw new IllegalStateException("service process " + directory.getFileName() + " is not ready: call awaitReady()");
        }
        return baseUrl;
    }

    /** The port it listens on (chosen by the system unless VPSR_PORT was given). */
    public int port() {
        return baseUrl().getPort();
    }

    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    /** The process's own directory: stdout.log, stderr.log, command.txt, written files, data/ of an embedded default. */
    public Path directory() {
        return directory;
    }

    /** The environment variables it was given (the inherited ones aside). */
    public Map<String, String> environment() {
        return environment;
    }

    public Path stdoutFile() {
        return directory.resolve("stdout.log");
    }

    public Path stderrFile() {
        return directory.resolve("stderr.log");
    }

    /** Everything it wrote to stdout so far (its log). */
    public String stdout() {
        return read(stdoutFile());
    }

    /** Everything it wrote to stderr so far. */
    public String stderr() {
        return read(stderrFile());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits, at most {@code timeout}, until stdout contains {@code text}. */
    public void awaitStdout(String text, Duration timeout) {
        try {
            await("service process " + directory.getFileName() + " to print " + text).atMost(timeout)
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                    .until(() -> stdout().contains(text));
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(e.getMessage() + describeOutput(), e);
        }
    }

    /** Waits, at most {@code timeout}, for a process to end by itself (e.g. refusing its configuration); its exit code. */
    public int awaitExit(Duration timeout) {
        if (!waitFor(timeout)) {
            throw new IllegalStateException("service process " + directory.getFileName() + " still runs after "
                    + timeout.toSeconds() + " s" + describeOutput());
        }
        return process.exitValue();
    }

    /** The signals an operator stops the service with, each drained the same way (ADR 0038, amended in session 47). */
    public enum StopSignal {
        /** {@code kill}, {@code systemctl stop}, an orchestrator's stop. */
        TERM(15),
        /** Ctrl-C, {@code kill -INT}, some supervisors' stop signal. */
        INT(2);

        private final int number;

        StopSignal(int number) {
            this.number = number;
        }
    }

    /** {@link #stop(StopSignal)} with SIGTERM. */
    public int stop() {
        return stop(StopSignal.TERM);
    }

    /**
     * Graceful stop: {@code signal}, then waits at most the stop timeout for the service to shut down (its
     * shutdown hooks stop the HTTP server and an embedded PostgreSQL). Returns the exit code (0: it
     * drained and stopped, ADR 0038). If it does not end in time it is killed and this throws.
     */
    public int stop(StopSignal signal) {
        signal(signal);
        if (!waitFor(stopTimeout)) {
            killNow();
            throw new IllegalStateException("service process " + directory.getFileName() + " did not stop within "
                    + stopTimeout.toSeconds() + " s of SIG" + signal + " and was killed" + describeOutput());
        }
        LIVE.remove(this);
        return process.exitValue();
    }

    /**
     * Sends {@code signal} and returns at once, e.g. a first stop signal whose drain a test watches before a second
     * ({@link #stop(StopSignal)} sends one and waits for the end).
     */
    public void signal(StopSignal signal) {
        // A process started with the signal ignored keeps it ignored (the JVM leaves it so), and it would be waited for
        // in vain: said at once instead.
        if (ignores(signal)) {
            throw new IllegalStateException("service process " + directory.getFileName() + " ignores SIG" + signal
                    + ": this test JVM was started with it ignored (a background job of a shell without job control) "
                    + "and passed that on; run the build in the foreground or with job control");
        }
        if (signal == StopSignal.TERM) {
            process.destroy();
            return;
        }
        // The JDK sends SIGTERM and SIGKILL only.
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal.name(), String.valueOf(process.pid()))
                    .redirectErrorStream(true).start();
            String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -s " + signal + " " + process.pid() + " failed: " + said);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not send SIG" + signal + " to " + directory.getFileName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether the process ignores {@code signal}: its bit in /proc's SigIgn mask (Linux; elsewhere assumed not). */
    private boolean ignores(StopSignal signal) {
        Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
        if (!Files.isReadable(status)) {
            return false;
        }
        long ignored = read(status).lines().filter(line -> line.startsWith("SigIgn:")).findFirst()
                .map(line -> Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16)).orElse(0L);
        return (ignored & (1L << (signal.number - 1))) != 0;
    }

    /**
     * {@code kill -9}: SIGKILL, no shutdown hook runs; what it started as a separate process (the
     * embedded default's PostgreSQL) keeps running, as after a real crash. Returns the exit code (137).
     */
    public int killNow() {
        process.destroyForcibly();
        if (!waitFor(KILL_WAIT)) {
            throw new IllegalStateException("service process " + directory.getFileName() + " outlived SIGKILL for "
                    + KILL_WAIT.toSeconds() + " s");
        }
        LIVE.remove(this);
        return process.exitValue();
    }

    /** Sends one request; {@code token} and {@code jsonBody} may be null. */
    public HttpResponse<String> send(String method, String path, String token, String jsonBody, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (jsonBody != null && !headers.containsKey("Content-Type")) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " to " + directory.getFileName() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> send(String method, String path, String token, String jsonBody) {
        return send(method, path, token, jsonBody, Map.of());
    }

    /**
     * Kills the process if it still runs, then, for an embedded default, stops a PostgreSQL it left
     * running on its data directory, unless another live service holds that directory. Only that
     * PostgreSQL is signalled, once shown to run on that directory (see EmbeddedDataDirectory).
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitFor(KILL_WAIT);
        }
        LIVE.remove(this);
        Optional.ofNullable(environment.get("VPSR_DATA_DIR"))
                .filter(dataDirectory -> !environment.containsKey("VPSR_DATABASE_URL"))
                .map(Path::of)
                .filter(Files::isDirectory)
                .ifPresent(ServiceProcess::stopLeftoverPostgres);
    }

    private static void stopLeftoverPostgres(Path dataDirectory) {
        try {
            EmbeddedDataDirectory.claim(dataDirectory, dataDirectory.resolve("postgres"), LEFTOVER_POSTGRES_STOP_WAIT).close();
        } catch (StartupRefused | UncheckedIOException inUseOrUnidentified) {
            // Another live service holds the directory, or the pid there is not shown to be its PostgreSQL.
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String describeOutput() {
        return "\n--- " + stdoutFile() + " (end) ---\n" + tail(stdout()) + "\n--- " + stderrFile() + " (end) ---\n" + tail(stderr());
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    }

    private static String read(Path file) {
        try {
            // Bytes, not readString: the process may be half-way through writing a multi-byte character.
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "ServiceProcess[" + directory.getFileName() + ", pid " + process.pid() + (baseUrl == null ? "" : ", " + baseUrl) + "]";
    }
}
