package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import jakarta.inject.Singleton;
import java.util.Objects;

/**
 * Dates every answer the server writes, in the connection's pipeline just after the HTTP codec: the routes' answers,
 * the filters' own (a 401, a 429) and those to requests Netty could not decode (a 431, a 414), which never reach the
 * filters. Micronaut's own date header dates a route's answers only, so {@code micronaut.server.date-header} is off
 * beside this (ADRs 0129, 0135). One instance serves every connection: it keeps no state of its own.
 */
@ChannelHandler.Sharable
final class DateHeaderWriter extends ChannelOutboundHandlerAdapter {

    static final String NAME = "vpsr-date-header";

    private final HttpDate date;

    DateHeaderWriter(HttpDate date) {
        this.date = Objects.requireNonNull(date, "date");
    }

    @Singleton
    static final class Installer implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {
        private final DateHeaderWriter writer;

        Installer(HttpDate date) {
            this.writer = new DateHeaderWriter(date);
        }

        @Override
        public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
            event.getBean().register(new PerChannel(null, writer));
            return event.getBean();
        }
    }

    /** Installs the writer where a channel's pipeline turns answers into HTTP: HTTP/1's codec, an HTTP/2 stream's. */
    private record PerChannel(Channel channel, DateHeaderWriter writer) implements NettyServerCustomizer {
        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return new PerChannel(channel, writer);
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (channel == null) {
                return;
            }
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NAME) != null) {
                return;
            }
            if (pipeline.get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) != null) {
                pipeline.addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, NAME, writer);
            } else if (pipeline.get(ChannelPipelineCustomizer.HANDLER_HTTP_DECODER) != null) {
                pipeline.addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_DECODER, NAME, writer);
            }
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (message instanceof HttpResponse response && !response.headers().contains(HttpHeaderNames.DATE)) {
            response.headers().set(HttpHeaderNames.DATE, date.now());
        }
        ctx.write(message, promise);
    }
}
