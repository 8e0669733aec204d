package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.netty.channel.Channel;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A real connection to the facade's server carries our handlers in {@link ServerPipeline}'s one order. */
@MicronautTest(environments = {"test", ServerPipelineTest.ENVIRONMENT}, rebuildContext = true)
class ServerPipelineTest {

    static final String ENVIRONMENT = "server-pipeline-test";

    @Inject
    EmbeddedServer server;
    @Inject
    PipelineRecorder recorder;

    @Test
    void aConnectionHasOurHandlersInOneOrderAroundTheHttpCodec() throws Exception {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), server.getPort())) {
            List<String> names = recorder.firstConnection.get(20, TimeUnit.SECONDS);

            assertThat(names.getFirst()).isEqualTo(LingeringClose.NAME);
            assertThat(names)
                    .filteredOn(name -> name.startsWith("vpsr-")
                            || name.equals(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC))
                    .containsExactly(LingeringClose.NAME, RequestReadDeadline.START,
                            ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC,
                            DateHeaderWriter.NAME, BodilessRequestType.NAME, RequestReadDeadline.END);
        }
    }

    /** Reads a connection's pipeline once its set-up has ended, whichever customizer ran last. */
    @Singleton
    @Requires(env = ENVIRONMENT)
    static final class PipelineRecorder implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
        final CompletableFuture<List<String>> firstConnection = new CompletableFuture<>();

        @Override
        public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
            event.getBean().register(new PerChannel(null, firstConnection));
            return event.getBean();
        }
    }

    private record PerChannel(Channel channel, CompletableFuture<List<String>> names) implements NettyServerCustomizer {
        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return new PerChannel(channel, names);
        }

        @Override
        public void onStreamPipelineBuilt() {
            // A task on the channel's loop runs after the set-up that called every customizer.
            channel.eventLoop().execute(() -> names.complete(channel.pipeline().names()));
        }
    }
}
