package org.vpsrecovery.adapters.http.facade;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection so that the client can read the last answer. When the server refuses a
 * request before reading all of it (headers past Netty's limit: 431; a request line: 414; a body
 * past the size limit: 413), Micronaut answers and closes at once; a client still sending its
 * request then gets a reset and may report that instead of the answer. Here the server instead
 * shuts its output (the answer is followed by FIN), reads and drops what the client still sends,
 * and closes when the client does or after {@value #LINGER_MILLIS} ms (Apache httpd's "lingering close").
 * Plain TCP only: the handler sits first in the pipeline, ahead of where TLS would be ({@link ServerPipeline}).
 */
final class LingeringClose extends ChannelDuplexHandler {

    static final String NAME = "vpsr-lingering-close";
    static final long LINGER_MILLIS = 2000;
    private boolean lingering;

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!(ctx.channel() instanceof SocketChannel socket) || !socket.isActive() || socket.isInputShutdown()) {
            ctx.close(promise);
            return;
        }
        socket.closeFuture().addListener(closed -> promise.trySuccess());
        if (lingering) {
            return;
        }
        lingering = true;
        ScheduledFuture<?> deadline = ctx.executor().schedule(() -> {
            ctx.close();
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        socket.closeFuture().addListener(closed -> deadline.cancel(false));
        // Shutting the output fails whatever the channel still holds unwritten, so what was written before the close
        // (a streamed export's last rows and its AUDIT_EVENT_ALTERED line, then Micronaut's close) goes out first.
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> socket.shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess()) {
                ctx.close();
            }
        }));
        socket.config().setAutoRead(true);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (lingering) {
            ReferenceCountUtil.release(message);
        } else {
            ctx.fireChannelRead(message);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!lingering) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (lingering) {
            ctx.close(); // the client reset the connection it was leaving: nothing left to tell it
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
