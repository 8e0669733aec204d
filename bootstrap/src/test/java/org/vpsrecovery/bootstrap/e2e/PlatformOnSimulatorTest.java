package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
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

            assertThatThrownBy(() -> setup.beforeAll(null)).isInstanceOf(RuntimeException.class);

            assertFree(simulatorPort);
            assertNothingHeld(setup);
        }
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
