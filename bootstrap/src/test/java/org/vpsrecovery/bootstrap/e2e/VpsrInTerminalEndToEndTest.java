package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * {@code cli/vpsr snapshots create --wait} in a real terminal: tmux runs the launcher (and the cli
 * module's runnable jar) in a pane, the test reads the screen. On a terminal the progress is one
 * line rewritten in place (its clock moves, no second line appears) until the operation completes.
 * Without tmux the test is skipped, unless {@code CI_REQUIRE_TMUX} is set, as {@code .ci/run} sets it.
 */
class VpsrInTerminalEndToEndTest {

    /** VPS.org takes an hour over a snapshot, until the test moves its clock on. */
    private static final Duration MAKING_TAKES = Duration.ofHours(1);
    private static final Pattern PROGRESS = Pattern.compile(
            "create_snapshot snapshot \\d+ \\[([0-9a-f-]{36})]: in_progress \\((\\d+) s\\)");

    /** A tmux server of this test's own: its socket under java.io.tmpdir (target/ in the build), gone at the end. */
    static final String SOCKET = Path.of(System.getProperty("java.io.tmpdir"),
            "vpsr-tmux-" + UUID.randomUUID().toString().substring(0, 8)).toString();

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withDelays(MAKING_TAKES, Duration.ofSeconds(10)),
            PlatformOnSimulator.with(PlatformOnSimulator.QUICK_TRACKING, Map.of("vpsr.jobs.polling-interval", "500ms")));

    @AfterAll
    static void stop() throws Exception {
        if (tmux().isPresent()) {
            new ProcessBuilder(tmux().get().toString(), "-S", SOCKET, "kill-server").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(Path.of(SOCKET));
        }
    }

    @Test
    void theProgressLineIsRewrittenInPlaceUntilTheOperationCompletes() throws Exception {
        Path tmux = tmuxOrSkip();
        Path launcher = Path.of(System.getProperty("vpsr.cli.launcher", "../cli/vpsr")).toAbsolutePath().normalize();
        assertThat(launcher.resolveSibling("target/vpsr.jar"))
                .as("the cli module's runnable jar (built by its package phase)").exists();

        run(tmux.toString(), "-S", SOCKET, "new-session", "-d", "-s", "vpsr", "-x", "160", "-y", "24",
                "-e", "VPSR_URL=" + SETUP.platform().server.getURL(), "-e", "VPSR_TOKEN=" + RunningPlatform.DEMO_TOKEN,
                "-e", "JAVA_HOME=" + System.getProperty("java.home"),
                launcher + " snapshots create --server-id 12345 --name in-a-terminal --wait; echo \"exit=$?\"; sleep 600");

        // The line appears, then its clock moves on while it stays the only progress line on the screen.
        String first = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> screen(tmux), screen -> PROGRESS.matcher(screen).find());
        Matcher shown = PROGRESS.matcher(first);
        assertThat(shown.find()).isTrue();
        String operationId = shown.group(1);
        long firstSeconds = Long.parseLong(shown.group(2));
        String later = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> screen(tmux), screen -> {
                    Matcher m = PROGRESS.matcher(screen);
                    return m.find() && Long.parseLong(m.group(2)) > firstSeconds;
                });
        assertThat(linesNaming(operationId, later)).hasSize(1);
        assertThat(later).contains("in-a-terminal").doesNotContain("exit=");

        // VPS.org finishes: the same line ends "completed", and the command exits 0.
        SETUP.simulator().clock().advance(MAKING_TAKES.plusMinutes(1));
        String end = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> screen(tmux), screen -> screen.contains("exit="));
        List<String> progress = linesNaming(operationId, end);
        assertThat(progress).hasSize(1);
        assertThat(progress.getFirst().strip()).endsWith(": completed");
        assertThat(end).contains("exit=0");
    }

    private static List<String> linesNaming(String operationId, String screen) {
        List<String> lines = new ArrayList<>();
        screen.lines().filter(line -> line.contains("[" + operationId + "]")).forEach(lines::add);
        return lines;
    }

    private static String screen(Path tmux) throws IOException, InterruptedException {
        return run(tmux.toString(), "-S", SOCKET, "capture-pane", "-p", "-t", "vpsr");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }

    private static java.util.Optional<Path> tmux() {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(directory, "tmux");
            if (Files.isExecutable(candidate)) {
                return java.util.Optional.of(candidate);
            }
        }
        return java.util.Optional.empty();
    }

    private static Path tmuxOrSkip() {
        java.util.Optional<Path> binary = tmux();
        if (binary.isEmpty() && System.getenv("CI_REQUIRE_TMUX") != null) {
            throw new IllegalStateException("CI_REQUIRE_TMUX is set but tmux is not installed (.ci/run installs it)");
        }
        assumeThat(binary).as("tmux is not installed (apt-get install tmux); this test needs it").isPresent();
        return binary.orElseThrow();
    }
}
