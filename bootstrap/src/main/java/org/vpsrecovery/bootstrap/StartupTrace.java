package org.vpsrecovery.bootstrap;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * With {@code -Dvpsr.startup.trace=true}, a line on standard error at each step of {@link Application#main} before
 * Micronaut starts: the wall clock (ms since the epoch) and the main thread's CPU so far (ns, from
 * /proc/thread-self/schedstat), so that the stretch from the JVM's launch to Micronaut's own timer can be cut by
 * step (ADR 0121). Off, it reads one system property per step and nothing else.
 */
final class StartupTrace {

    static final String PROPERTY = "vpsr.startup.trace";
    private static final Path SCHEDSTAT = Path.of("/proc/thread-self/schedstat");

    private StartupTrace() {
    }

    static void mark(String step) {
        if (Boolean.getBoolean(PROPERTY)) {
            mark(System.err, step, System.currentTimeMillis(), threadCpuNanos());
        }
    }

    static void mark(PrintStream out, String step, long wallMillis, long cpuNanos) {
        out.println("vpsr-startup-trace " + step + " wall_ms=" + wallMillis + " cpu_ns=" + cpuNanos);
    }

    /** The calling thread's CPU so far, or -1 where /proc does not say (not Linux). */
    static long threadCpuNanos() {
        try {
            String schedstat = Files.readString(SCHEDSTAT);
            return Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
        } catch (IOException | RuntimeException unreadable) {
            return -1;
        }
    }
}
