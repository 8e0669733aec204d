package org.vpsrecovery.adapters.http.facade;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import java.util.Objects;

/**
 * Dates every answer the server writes, in the connection's pipeline just after the HTTP codec
 * ({@link ServerPipeline}): the routes' answers, the filters' own (a 401, a 429) and those to requests Netty could not
 * decode (a 431, a 414), which never reach the filters. Micronaut's own date header dates a route's answers only, so {@code micronaut.server.date-header} is off
 * beside this (ADRs 0129, 0135). One instance serves every connection: it keeps no state of its own.
 */
@ChannelHandler.Sharable
final class DateHeaderWriter extends ChannelOutboundHandlerAdapter {

    static final String NAME = "vpsr-date-header";

    private final HttpDate date;

    DateHeaderWriter(HttpDate date) {
        this.date = Objects.requireNonNull(date, "date");
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (message instanceof HttpResponse response && !response.headers().contains(HttpHeaderNames.DATE)) {
            response.headers().set(HttpHeaderNames.DATE, date.now());
        }
        ctx.write(message, promise);
    }
}
