package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StartupTraceTest {

    @Test
    void oneLineAStepWithTheWallClockAndTheThreadsCpu() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StartupTrace.mark(new PrintStream(bytes, true, StandardCharsets.UTF_8), "deployment-read", 1796385694449L, 391_000_000L);

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("vpsr-startup-trace deployment-read wall_ms=1796385694449 cpu_ns=391000000" + System.lineSeparator());
    }

    @Test
    void theThreadsCpuIsReadFromProcOnLinux() {
        assumeThat(Files.isReadable(Path.of("/proc/thread-self/schedstat"))).isTrue();

        assertThat(StartupTrace.threadCpuNanos()).isPositive();
    }

    @Test
    void offUnlessThePropertySaysTrue() {
        assertThat(System.getProperty(StartupTrace.PROPERTY)).isNull();
        PrintStream standardError = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            StartupTrace.mark("main-entered");
        } finally {
            System.setErr(standardError);
        }
        assertThat(bytes.size()).isZero();
    }
}
