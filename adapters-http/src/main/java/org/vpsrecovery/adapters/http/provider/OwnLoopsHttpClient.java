package org.vpsrecovery.adapters.http.provider;

import io.micronaut.buffer.netty.NettyByteBufferFactory;
import io.micronaut.core.annotation.AnnotationMetadataResolver;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.http.MediaType;
import io.micronaut.http.bind.DefaultRequestBinderRegistry;
import io.micronaut.http.body.CharSequenceBodyWriter;
import io.micronaut.http.body.ContextlessMessageBodyHandlerRegistry;
import io.micronaut.http.body.MessageBodyHandlerRegistry;
import io.micronaut.http.body.WritableBodyWriter;
import io.micronaut.http.client.filter.DefaultHttpClientFilterResolver;
import io.micronaut.http.client.netty.ssl.NettyClientSslBuilder;
import io.micronaut.http.codec.MediaTypeCodecRegistry;
import io.micronaut.http.netty.body.NettyByteBufMessageBodyHandler;
import io.micronaut.http.netty.body.NettyJsonHandler;
import io.micronaut.http.netty.body.NettyJsonStreamHandler;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.codec.JsonMediaTypeCodec;
import io.micronaut.json.codec.JsonStreamMediaTypeCodec;
import io.micronaut.runtime.ApplicationConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientConfiguration;
import io.micronaut.http.client.LoadBalancer;
import io.micronaut.http.client.netty.DefaultHttpClient;
import io.micronaut.http.client.netty.NettyClientCustomizer;
import io.micronaut.websocket.context.WebSocketBeanRegistry;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.MultithreadEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Micronaut's Netty client on event loops of its own, on Netty's native epoll transport where it loads (ADR 0122),
 * else on NIO as {@link HttpClient#create} builds it.
 *
 * <p>Built without the application context on purpose: a client from the context's registry would also get
 * Micronaut Micrometer's client metrics filter (a timer per call), which {@code MeteredProvider} already does.
 * The client then has no filter at all, as {@link HttpClient#create} gives. Micronaut does not shut down a group it
 * was handed, so {@link #stop()} does.
 */
final class OwnLoopsHttpClient extends DefaultHttpClient {

    private final EventLoopGroup loops;
    private final boolean nativeTransport;
    private final Duration quietPeriod;
    private final Duration shutdownTimeout;

    private OwnLoopsHttpClient(URI baseUrl, HttpClientConfiguration configuration, Transport transport, EventLoopGroup loops) {
        super(LoadBalancer.fixed(baseUrl), null, configuration, null,
                new DefaultHttpClientFilterResolver(null, AnnotationMetadataResolver.DEFAULT, List.of()), null, null,
                new NettyClientSslBuilder(new ResourceResolver()), contextlessCodecs(), contextlessBodyHandlers(),
                WebSocketBeanRegistry.EMPTY, new DefaultRequestBinderRegistry(ConversionService.SHARED),
                loops, transport.sockets, transport.datagrams,
                new NettyClientCustomizer() { }, null, ConversionService.SHARED, null);
        this.loops = loops;
        this.nativeTransport = transport.nativeEpoll;
        this.quietPeriod = configuration.getShutdownQuietPeriod()
                .orElse(Duration.ofMillis(HttpClientConfiguration.DEFAULT_SHUTDOWN_QUIET_PERIOD_MILLISECONDS));
        this.shutdownTimeout = configuration.getShutdownTimeout()
                .orElse(Duration.ofMillis(HttpClientConfiguration.DEFAULT_SHUTDOWN_TIMEOUT_MILLISECONDS));
    }

    /** A client of {@code baseUrl} on as many loops as the configuration says (Micronaut's default: one a core). */
    static OwnLoopsHttpClient create(URI baseUrl, HttpClientConfiguration configuration) {
        Transport transport = Transport.available();
        int threads = configuration.getNumOfThreads().orElseGet(NettyRuntime::availableProcessors);
        // The threads keep the name Micronaut's own client group gives them (profiles and probes group by it).
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(threads,
                new DefaultThreadFactory(MultithreadEventLoopGroup.class), transport.handlers);
        try {
            return new OwnLoopsHttpClient(baseUrl, configuration, transport, loops);
        } catch (RuntimeException e) {
            loops.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    // The two registries below are what HttpClient.create gives a client built without a context (Micronaut
    // 4.10's DefaultHttpClient defaults, which its public constructor does not fill in). The VPS.org client
    // exchanges bytes only (VpsOrgClient reads and writes its JSON itself), so they are never asked for more.
    private static MediaTypeCodecRegistry contextlessCodecs() {
        JsonMapper json = JsonMapper.createDefault();
        ApplicationConfiguration application = new ApplicationConfiguration();
        return MediaTypeCodecRegistry.of(new JsonMediaTypeCodec(json, application, null),
                new JsonStreamMediaTypeCodec(json, application, null));
    }

    private static MessageBodyHandlerRegistry contextlessBodyHandlers() {
        ApplicationConfiguration application = new ApplicationConfiguration();
        ContextlessMessageBodyHandlerRegistry handlers = new ContextlessMessageBodyHandlerRegistry(application,
                NettyByteBufferFactory.DEFAULT, new NettyByteBufMessageBodyHandler(), new WritableBodyWriter(application));
        JsonMapper json = JsonMapper.createDefault();
        handlers.add(MediaType.APPLICATION_JSON_TYPE, new NettyJsonHandler<>(json));
        handlers.add(MediaType.APPLICATION_JSON_TYPE, new CharSequenceBodyWriter(StandardCharsets.UTF_8));
        handlers.add(MediaType.APPLICATION_JSON_STREAM_TYPE, new NettyJsonStreamHandler<>(json));
        return handlers;
    }

    /** Whether this client's sockets are native epoll ones. */
    boolean onNativeTransport() {
        return nativeTransport;
    }

    EventLoopGroup loops() {
        return loops;
    }

    @Override
    public HttpClient stop() {
        try {
            return super.stop();
        } finally {
            loops.shutdownGracefully(quietPeriod.toMillis(), shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(shutdownTimeout.toMillis());
        }
    }

    /** Epoll's handler and channels where its native library loads (Linux with the platform's jar), else NIO's. */
    private record Transport(boolean nativeEpoll, IoHandlerFactory handlers,
                             ChannelFactory<? extends SocketChannel> sockets,
                             ChannelFactory<? extends DatagramChannel> datagrams) {
        static Transport available() {
            return Epoll.isAvailable()
                    ? new Transport(true, EpollIoHandler.newFactory(), EpollSocketChannel::new, EpollDatagramChannel::new)
                    : new Transport(false, NioIoHandler.newFactory(), NioSocketChannel::new, NioDatagramChannel::new);
        }

    }
}
