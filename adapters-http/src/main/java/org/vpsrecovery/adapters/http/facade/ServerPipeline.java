package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * Every handler this service adds to a connection's Netty pipeline, added here and only here, in one fixed order
 * (ADR 0006, amended in session 42). From the socket inwards, Micronaut's own handlers in brackets:
 * <ol>
 *   <li>{@link LingeringClose}, first of all (ahead of where TLS would be): a close asked by any handler after it
 *       reaches it, and it sees the raw bytes it must drop while it lingers;</li>
 *   <li>[{@code idle-state}];</li>
 *   <li>{@link RequestReadDeadline}'s start, just before the codec: a request's first raw bytes start its deadline,
 *       and it hands a read to the codec in two parts to learn whether bytes follow a request's end;</li>
 *   <li>[{@code http-server-codec}], HTTP/1's, the only codec the server speaks;</li>
 *   <li>{@link DateHeaderWriter}, just after the codec: every answer written by anything after it (routes, filters,
 *       Micronaut's answers to undecodable requests) passes it as an {@code HttpResponse} on its way to the codec;</li>
 *   <li>{@link BodilessRequestType}: a decoded request's headers, before Micronaut routes it;</li>
 *   <li>{@link RequestReadDeadline}'s end: a request's last decoded part stops its deadline, or starts the next
 *       request's when that one's first bytes came in the same read;</li>
 *   <li>[Micronaut's handlers: routing, filters, the routes].</li>
 * </ol>
 * An HTTP/2 stream (not configured) would get the date writer only, after its decoder. The three after the codec do
 * not depend on one another's place; theirs is fixed so that the pipeline reads the same on every connection.
 */
@Singleton
final class ServerPipeline implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    private final Duration requestReadTimeout;
    private final DateHeaderWriter dateHeaderWriter;

    ServerPipeline(@Value("${" + RequestReadDeadline.KEY + ":30s}") Duration requestReadTimeout, HttpDate date) {
        if (requestReadTimeout.isNegative() || requestReadTimeout.isZero()) {
            throw new IllegalArgumentException(RequestReadDeadline.KEY + " must be positive, was " + requestReadTimeout);
        }
        this.requestReadTimeout = requestReadTimeout;
        this.dateHeaderWriter = new DateHeaderWriter(date);
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new PerChannel(null, null, requestReadTimeout, dateHeaderWriter));
        return event.getBean();
    }

    /** For HTTP/1 one customizer, specialized for the connection, sees both its initial and its stream pipeline. */
    private record PerChannel(Channel channel, ChannelRole role, Duration requestReadTimeout,
                              DateHeaderWriter dateHeaderWriter) implements NettyServerCustomizer {
        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return new PerChannel(channel, role, requestReadTimeout, dateHeaderWriter);
        }

        @Override
        public void onInitialPipelineBuilt() {
            if (role == ChannelRole.CONNECTION && channel instanceof SocketChannel
                    && channel.pipeline().get(LingeringClose.NAME) == null) {
                channel.pipeline().addFirst(LingeringClose.NAME, new LingeringClose());
            }
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (channel == null) {
                return;
            }
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(DateHeaderWriter.NAME) != null) {
                return;
            }
            String codec = ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC;
            if (pipeline.get(codec) != null) {
                RequestReadDeadline deadline = new RequestReadDeadline(requestReadTimeout);
                pipeline.addBefore(codec, RequestReadDeadline.START, deadline.start())
                        .addAfter(codec, DateHeaderWriter.NAME, dateHeaderWriter)
                        .addAfter(DateHeaderWriter.NAME, BodilessRequestType.NAME, BodilessRequestType.INSTANCE)
                        .addAfter(BodilessRequestType.NAME, RequestReadDeadline.END, deadline.end());
            } else if (pipeline.get(ChannelPipelineCustomizer.HANDLER_HTTP_DECODER) != null) {
                pipeline.addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_DECODER, DateHeaderWriter.NAME, dateHeaderWriter);
            }
        }
    }
}
