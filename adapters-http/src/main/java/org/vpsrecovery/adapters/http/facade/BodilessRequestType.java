package org.vpsrecovery.adapters.http.facade;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.net.URI;
import java.util.Set;

/**
 * Drops the Content-Type of a POST, PUT, PATCH or DELETE under {@code /api/} that sends no body (Content-Length 0 or
 * none, no Transfer-Encoding) when it is not UTF-8 JSON ({@code curl -X POST -d ''} and {@code curl -X DELETE -d ''}
 * send the form type): else a route's {@code consumes} (JSON, by default, {@code @Delete} routes' too) would refuse with
 * 415 what VPS.org answers (ADR 0006, sessions 36 and 47).
 * Done in the connection's pipeline just after the HTTP codec ({@link ServerPipeline}), before Micronaut sees the
 * request: a pre-matching filter did it until session 41, and any pre-matching filter makes Micronaut run every
 * request's filters in two stages, each on a virtual thread of its own (3 a request instead of 1; ADR 0006, amended in
 * session 41). One instance serves every connection: it keeps no state of its own.
 */
@ChannelHandler.Sharable
final class BodilessRequestType extends ChannelInboundHandlerAdapter {

    static final String NAME = "vpsr-bodiless-request-type";
    /** The methods whose routes Micronaut holds to their {@code consumes} (those it lets carry a body; not GET, HEAD). */
    private static final Set<HttpMethod> MAY_DECLARE_A_TYPE =
            Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
    static final BodilessRequestType INSTANCE = new BodilessRequestType();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof HttpRequest request && request.decoderResult().isSuccess()
                && MAY_DECLARE_A_TYPE.contains(request.method()) && sendsNoBody(request) && underApi(request.uri())) {
            String declared = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
            if (declared != null && !JsonContentTypeFilter.isUtf8Json(declared)) {
                request.headers().remove(HttpHeaderNames.CONTENT_TYPE);
            }
        }
        ctx.fireChannelRead(message);
    }

    /** As {@link JsonContentTypeFilter} tells a body: a length above 0, or any Transfer-Encoding. */
    private static boolean sendsNoBody(HttpRequest request) {
        if (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return false;
        }
        // The codec has refused an unreadable length already (decoderResult).
        return HttpUtil.getContentLength(request, 0L) == 0;
    }

    /** The path Micronaut's filters see: the request-target's, before any query; an absolute target's path. */
    private static boolean underApi(String target) {
        if (target.startsWith("/")) {
            int query = target.indexOf('?');
            return FilterPaths.underApi(query < 0 ? target : target.substring(0, query));
        }
        try {
            String path = URI.create(target).getRawPath();
            return path != null && FilterPaths.underApi(path);
        } catch (IllegalArgumentException unreadable) {
            return false;
        }
    }
}
