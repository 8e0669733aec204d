package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import io.micronaut.http.netty.channel.EventLoopGroupRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * The service as deployed runs its HTTP server's loops on Netty's native epoll transport where it loads (Linux
 * x86-64; ADR 0118): fewer system calls per request than NIO. Elsewhere Micronaut falls back to NIO, so the test only
 * runs where epoll is available. The VPS.org client keeps its own loops on NIO (ADR 0118: not measured enough). The
 * server's connections share one worker loop (ADR 0134).
 */
class NativeTransportEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(), Map.of());

    @BeforeAll
    static void epollLoadsHere() {
        assumeThat(Epoll.isAvailable()).as("Netty's epoll transport loads here").isTrue();
    }

    @Test
    void theServersLoopsAreEpollLoopsAndTheListIsAnswered() throws Exception {
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null).status()).isEqualTo(200);

        EventLoopGroup serverLoops = SETUP.platform().context.getBean(EventLoopGroupRegistry.class).getDefaultEventLoopGroup();
        assertThat(acceptsAnEpollChannel(serverLoops)).as("an epoll channel registers on the server's loops").isTrue();
    }

    @Test
    void theServersConnectionsShareOneLoop() throws Exception {
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null).status()).isEqualTo(200);

        EventLoopGroup serverLoops = SETUP.platform().context.getBean(EventLoopGroupRegistry.class).getDefaultEventLoopGroup();
        assertThat(serverLoops).as("the server's worker loops (ADR 0134)").hasSize(1);
    }

    /** An epoll channel registers only on a loop of the epoll transport; NIO's refuses it. */
    private static boolean acceptsAnEpollChannel(EventLoopGroup loops) throws InterruptedException {
        EpollSocketChannel channel = new EpollSocketChannel();
        boolean registered = loops.register(channel).await().isSuccess();
        if (registered) {
            channel.close().await();
        }
        return registered;
    }
}
