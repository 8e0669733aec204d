package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import jakarta.inject.Singleton;
import java.net.URISyntaxException;
import java.util.Optional;
import org.vpsrecovery.domain.common.RequestId;

/**
 * Turns the framework's own errors (unknown route, wrong method or media type, unreadable JSON,
 * oversized body or headers, anything unexpected) into problem+json with a reason code, never a stack
 * trace. (micronaut-problem-json is not served by the registry we build from, so this is ours.)
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class ProblemErrorResponses implements ErrorResponseProcessor<ProblemDetails> {

    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<ProblemDetails> processResponse(ErrorContext context, MutableHttpResponse<?> base) {
        Optional<Throwable> undecodable = decoderFailure(context.getRequest());
        HttpStatus status = undecodable.flatMap(ProblemErrorResponses::tooLongStatus).orElse(base.getStatus());
        base.status(status);
        RequestReason reason = undecodable.isPresent() && status == HttpStatus.BAD_REQUEST
                ? RequestReason.MALFORMED_REQUEST : reasonOf(status, context);
        String detail = switch (reason) {
            case INVALID_JSON -> "the request body is not valid JSON of the expected shape";
            case ROUTE_NOT_FOUND -> "no such resource: " + context.getRequest().getPath();
            case METHOD_NOT_ALLOWED -> context.getRequest().getMethodName() + " is not allowed on " + context.getRequest().getPath();
            case UNSUPPORTED_MEDIA_TYPE -> "send the body as application/json";
            case BODY_TOO_LARGE -> "the request body is larger than this API accepts";
            case HEADERS_TOO_LARGE -> "the request headers are larger than this API accepts";
            case URI_TOO_LONG -> "the request line (method, path and query) is longer than this API accepts";
            case MALFORMED_REQUEST -> "the request line or a header is not valid HTTP/1.1";
            case INVALID_URI -> "the path or query is not a valid URI: percent-encode spaces and characters such as \" < > [ ] { } | \\ ^ `";
            case INTERNAL_ERROR -> "an unexpected error; quote the request id to the platform team";
            default -> context.getErrors().isEmpty() ? status.getReason() : safe(context.getErrors().get(0).getMessage());
        };
        String requestId = RequestAttributes.requestId(context.getRequest());
        if (requestId == null) {
            // A request Netty could not decode never reaches the filters: it gets its id here.
            requestId = RequestId.random().value();
            base.header(RequestAttributes.REQUEST_ID_HEADER, requestId);
        }
        ProblemDetails body = ProblemDetails.of(status.getCode(), status.getReason(), detail, reason.name(), requestId, null);
        return ((MutableHttpResponse<ProblemDetails>) base).contentType(ProblemDetails.MEDIA_TYPE).body(body);
    }

    /** Why Netty could not decode the request, if it could not (Micronaut answers those 400 or 413). */
    private static Optional<Throwable> decoderFailure(HttpRequest<?> request) {
        return request instanceof NettyHttpRequest<?> netty && netty.getNativeRequest().decoderResult().isFailure()
                ? Optional.ofNullable(netty.getNativeRequest().decoderResult().cause())
                : Optional.empty();
    }

    /**
     * Micronaut answers every request Netty refused as too long with 413, the body's code; the
     * headers ({@code micronaut.server.netty.max-header-size}) and the request line
     * ({@code max-initial-line-length}) have codes of their own.
     */
    private static Optional<HttpStatus> tooLongStatus(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return Optional.of(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
        }
        if (cause instanceof TooLongHttpLineException) {
            return Optional.of(HttpStatus.REQUEST_URI_TOO_LONG);
        }
        return Optional.empty();
    }

    private static RequestReason reasonOf(HttpStatus status, ErrorContext context) {
        return switch (status) {
            case BAD_REQUEST -> context.getRootCause().map(ProblemErrorResponses::badRequestReason).orElse(RequestReason.BAD_REQUEST);
            case UNAUTHORIZED -> RequestReason.UNAUTHORIZED;
            case NOT_FOUND -> RequestReason.ROUTE_NOT_FOUND;
            case METHOD_NOT_ALLOWED -> RequestReason.METHOD_NOT_ALLOWED;
            case NOT_ACCEPTABLE -> RequestReason.NOT_ACCEPTABLE;
            case REQUEST_ENTITY_TOO_LARGE -> RequestReason.BODY_TOO_LARGE;
            case REQUEST_HEADER_FIELDS_TOO_LARGE -> RequestReason.HEADERS_TOO_LARGE;
            case REQUEST_URI_TOO_LONG -> RequestReason.URI_TOO_LONG;
            case UNSUPPORTED_MEDIA_TYPE -> RequestReason.UNSUPPORTED_MEDIA_TYPE;
            default -> status.getCode() >= 500 ? RequestReason.INTERNAL_ERROR : RequestReason.BAD_REQUEST;
        };
    }

    private static RequestReason badRequestReason(Throwable cause) {
        if (cause instanceof URISyntaxException) {
            return RequestReason.INVALID_URI;
        }
        return isUnreadableBody(cause) ? RequestReason.INVALID_JSON : RequestReason.BAD_REQUEST;
    }

    private static boolean isUnreadableBody(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String name = t.getClass().getName();
            if (name.contains("Json") || name.contains("Conversion") || name.contains("Serde")
                    || name.contains("Decod")) {
                return true;
            }
        }
        return false;
    }

    /** Framework messages are about the request's shape; bound them and strip control characters. */
    private static String safe(String message) {
        String clean = message == null ? "" : message.replaceAll("\\p{Cntrl}", " ");
        return clean.length() > 300 ? clean.substring(0, 300) : clean;
    }
}
