package org.vpsrecovery.adapters.http.facade;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
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
 *
 * <p>One read can hold a request's end and, pipelined behind it, the first bytes of the next, which the codec keeps
 * without a message until the rest comes (ADR 0006, amended in session 43). So a read is handed to the codec in two
 * parts, split before its last byte that could begin a request (not a blank or control byte, which the codec skips):
 * a request that ends in the first part has a next one's bytes after it, and its end starts that one's deadline
 * instead of stopping it; one that ends in the second ended the read, and its end stops the deadline. A read ending in a blank line ({@code CRLF CRLF}) is not split: whatever the codec finds
 * after a request's end up to there is a whole head, which it decodes into a request that starts a deadline here, or
 * blank lines it skips. A head that comes whole without its body starts one too.
 */
final class RequestReadDeadline {

    static final String KEY = "vpsr.http.request-read-timeout";
    static final String START = "vpsr-request-read-start";
    static final String END = "vpsr-request-read-end";
    /** {@code CR LF CR LF}, a blank line's end, as one int. */
    private static final int BLANK_LINE_END = 0x0D0A0D0A;

    private final long timeoutNanos;
    private ScheduledFuture<?> deadline;
    /** True while the codec decodes a read's first part: the read has a byte after anything decoded then. */
    private boolean moreOfTheReadToCome;

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

    /** A read: bytes when no deadline runs start one; the codec gets them in two parts unless a blank line ends them. */
    private final class Start extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (!(message instanceof ByteBuf bytes) || !bytes.isReadable()) {
                ctx.fireChannelRead(message);
                return;
            }
            if (deadline == null) {
                begin(ctx);
            }
            int length = bytes.readableBytes();
            if (length < 2 || (length >= 4 && bytes.getInt(bytes.writerIndex() - 4) == BLANK_LINE_END)) {
                ctx.fireChannelRead(bytes);
                return;
            }
            // Split before the read's last byte the codec does not skip between requests: a request ending before it has
            // a next one's byte after it. Blank lines or spaces alone after a body (a client's stray CRLF, RFC 9112 2.2)
            // are no next request, and must start no deadline that nothing would stop.
            int last = bytes.forEachByteDesc(bytes.readerIndex(), length, RequestReadDeadline::skippedBetweenRequests);
            if (last <= bytes.readerIndex()) {
                ctx.fireChannelRead(bytes);
                return;
            }
            ByteBuf allButTheLast = bytes.readRetainedSlice(last - bytes.readerIndex());
            moreOfTheReadToCome = true;
            try {
                ctx.fireChannelRead(allButTheLast);
            } finally {
                moreOfTheReadToCome = false;
            }
            ctx.fireChannelRead(bytes);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            stop();
            ctx.fireChannelInactive();
        }
    }

    /** A request's last part decoded: it arrived in time; the next one's bytes may have come with it. */
    private final class End extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof LastHttpContent) {
                stop();
                if (moreOfTheReadToCome) {
                    begin(ctx);
                }
            } else if (message instanceof HttpRequest && deadline == null) {
                begin(ctx);
            }
            ctx.fireChannelRead(message);
        }
    }

    /** What Netty's HTTP decoder skips before a request line: control characters and whitespace (0x00-0x20, 0x7F). */
    private static boolean skippedBetweenRequests(byte value) {
        return (value & 0xFF) <= 0x20 || value == 0x7F;
    }

    private void begin(ChannelHandlerContext ctx) {
        // The whole connection closes: its request cannot be answered, having never arrived.
        deadline = ctx.executor().schedule(() -> {
            ctx.channel().close();
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
