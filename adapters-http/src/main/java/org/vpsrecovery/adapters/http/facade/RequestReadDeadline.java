package org.vpsrecovery.adapters.http.facade;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A request must arrive whole, from its first byte to its last, within {@code vpsr.http.request-read-timeout}
 * (30 s), else the connection is closed. Micronaut 4's Netty server closes a connection only when it has been idle
 * both ways for {@code micronaut.server.idle-timeout} (its {@code read-idle-timeout} fires an event no handler acts
 * on, and {@code micronaut.server.read-timeout} is read by nothing): a client sending a byte every 59 s would hold a
 * connection, and its buffers, for ever (slowloris). Two handlers share one deadline per connection: one before the
 * HTTP codec starts it at a request's first bytes, one after the codec ends it at the request's last part
 * ({@link ServerPipeline} places both). The answer's time (a long poll, an export) does not count: the request has
 * been read by then.
 */
final class RequestReadDeadline {

    static final String KEY = "vpsr.http.request-read-timeout";
    static final String START = "vpsr-request-read-start";
    static final String END = "vpsr-request-read-end";

    private final long timeoutNanos;
    private ScheduledFuture<?> deadline;

    RequestReadDeadline(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** Goes just before the HTTP codec. */
    ChannelHandler start() {
        return new Start();
    }

    /** Goes after the HTTP codec. */
    ChannelHandler end() {
        return new End();
    }

    /** Bytes of a request not yet under a deadline: the first of a request. */
    private final class Start extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (deadline == null && message instanceof ByteBuf bytes && bytes.isReadable()) {
                // The whole connection closes: its request cannot be answered, having never arrived.
                deadline = ctx.executor().schedule(() -> {
                    ctx.channel().close();
                }, timeoutNanos, TimeUnit.NANOSECONDS);
            }
            ctx.fireChannelRead(message);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            stop();
            ctx.fireChannelInactive();
        }
    }

    /** A request's last part decoded: it arrived in time. */
    private final class End extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof LastHttpContent) {
                stop();
            }
            ctx.fireChannelRead(message);
        }
    }

    private void stop() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
