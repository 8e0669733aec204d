package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * The end-to-end tests' set-up leaves nothing behind: what it started is stopped and its database dropped after the
 * class, and when the platform fails to start, at once. (FreshDatabase reads no ExtensionContext: null here.)
 */
class PlatformOnSimulatorTest {

    @Test
    void afterTheClassThePlatformAndTheSimulatorAreStoppedAndTheDatabaseDropped() throws IOException {
        PlatformOnSimulator setup = new PlatformOnSimulator(SimulatorOptions.defaults(), Map.of());
        setup.beforeAll(null);
        int platformPort = setup.platform().server.getPort();
        int simulatorPort = setup.simulator().baseUri().getPort();
        assertThat(setup.platform().send("GET", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN, null).status())
                .isEqualTo(200);
        setup.platform().context.getBean(org.vpsrecovery.application.attempt.AuditWriter.class);
        java.nio.file.Path kept = setup.platform().dataDirectory.resolve("kept-audit-events");
        assertThat(processFolders(kept)).as("the store's folder while it runs").isOne();

        setup.afterAll(null);

        assertFree(platformPort);
        assertFree(simulatorPort);
        assertNothingHeld(setup);
        // Let go through the audit writer's close (ADR 0141, session 46): empty, so removed.
        assertThat(processFolders(kept)).as("the store's folder let go at the close").isZero();
    }

    private static long processFolders(java.nio.file.Path kept) throws IOException {
        try (var listed = java.nio.file.Files.list(kept)) {
            return listed.filter(java.nio.file.Files::isDirectory).count();
        }
    }

    @Test
    void aPlatformThatCannotStartStopsTheSimulatorAndDropsTheDatabase() throws IOException {
        int simulatorPort = freePort();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            PlatformOnSimulator setup = new PlatformOnSimulator(SimulatorOptions.defaults().withPort(simulatorPort),
                    Map.of("micronaut.server.port", taken.getLocalPort()));

            Set<Thread> before = Thread.getAllStackTraces().keySet();
            assertThatThrownBy(() -> setup.beforeAll(null)).isInstanceOf(RuntimeException.class);

            assertFree(simulatorPort);
            assertNothingHeld(setup);
            assertNoServiceThreadLeftSince(before);
        }
    }

    /**
     * A setting refused while the context starts, after the pool opened and Flyway migrated: the context is not running,
     * so Micronaut's close closes nothing; the set-up still closes the pool (its threads logged about the dropped
     * database into later classes' tests until session 51).
     */
    @Test
    void aPlatformRefusedWhileItsContextStartsLeavesNoPoolRunning() {
        PlatformOnSimulator setup = new PlatformOnSimulator(SimulatorOptions.defaults(),
                Map.of("vpsr.idempotency.lease", "24h"));
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        assertThatThrownBy(() -> setup.beforeAll(null)).hasStackTraceContaining("vpsr.idempotency.lease");

        assertNothingHeld(setup);
        assertNoServiceThreadLeftSince(before);
    }

    /** The service's own threads: Hikari's, db-scheduler's and its periodic ones. */
    private static final Pattern SERVICE_THREAD = Pattern.compile("HikariPool-\\d+[: ].*|db-scheduler.*"
            + "|webhook-backlog-reading|jwks-refresh|kept-audit-events|vpsr-call-slots|approved-run-claim-renewal"
            + "|webhook-deadlines");

    /** No thread of the service started since {@code before} is alive, once those being stopped have ended. */
    private static void assertNoServiceThreadLeftSince(Set<Thread> before) {
        // A pool's close stops its housekeeper without waiting for it: its thread ends just after.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(thread -> !before.contains(thread) && thread.isAlive())
                .extracting(Thread::getName).filteredOn(name -> SERVICE_THREAD.matcher(name).matches()).isEmpty());
    }

    private static void assertNothingHeld(PlatformOnSimulator setup) {
        assertThatThrownBy(setup::platform).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(setup::simulator).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> setup.database().database()).as("dropped").isInstanceOf(IllegalStateException.class);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Nothing listens on the loopback port any more: it can be bound again. */
    private static void assertFree(int port) throws IOException {
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }
}
