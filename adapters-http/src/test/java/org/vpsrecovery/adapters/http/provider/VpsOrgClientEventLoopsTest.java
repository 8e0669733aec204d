package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.JsonMapper;
import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The VPS.org client's own loops on Netty's epoll transport where its native library loads (this module's tests
 * have it, as the platform's jar does; ADR 0122), over real HTTP to the simulator.
 */
class VpsOrgClientEventLoopsTest {

    @Test
    void theListIsAnsweredOnTheClientsOwnEpollLoops() throws Exception {
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start()) {
            VpsOrgSettings settings = SimulatedVpsOrg.testSettings(vpsOrg.simulator.baseUri(), VpsOrgSimulator.DEMO_TOKEN);
            OwnLoopsHttpClient http = (OwnLoopsHttpClient) VpsOrgClient.httpClient(settings);
            try (VpsOrgClient client = new VpsOrgClient(settings, http, JsonMapper.createDefault(), Clock.systemUTC())) {
                AtomicReference<Thread> answeredOn = new AtomicReference<>();
                List<Snapshot> listed = client.listSnapshotsWhenAnswered(Optional.empty(), Runnable::run)
                        .whenComplete((answer, failure) -> answeredOn.set(Thread.currentThread()))
                        .get(30, TimeUnit.SECONDS);

                assertThat(listed).isEqualTo(client.listSnapshots(Optional.empty())).hasSize(2);
                assertThat(http.onNativeTransport()).isTrue();
                assertThat(StreamSupport.stream(http.loops().spliterator(), false)
                        .anyMatch(loop -> ((EventExecutor) loop).inEventLoop(answeredOn.get())))
                        .as("the answer arrived on one of the client's own loops").isTrue();
                // An epoll channel registers only on epoll loops: NIO's refuse it.
                EpollSocketChannel channel = new EpollSocketChannel();
                ChannelFuture registered = http.loops().next().register(channel).awaitUninterruptibly();
                assertThat(registered.isSuccess()).as("an epoll channel registered on the client's loop").isTrue();
                channel.close().awaitUninterruptibly();
            }
        }
    }
}
