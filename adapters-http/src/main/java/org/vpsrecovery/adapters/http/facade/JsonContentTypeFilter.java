package org.vpsrecovery.adapters.http.facade;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ConditionalFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteInfo;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A body sent to the API is {@code application/json} in UTF-8 (RFC 8259), declared as such: any
 * other or unreadable Content-Type, or a charset other than UTF-8, is 415 before the body is read.
 * A request without a body is not asked what it declares; its type, if not JSON, is dropped before Micronaut sees it
 * ({@link BodilessRequestType}), so that the routes' {@code consumes} does not refuse it either.
 * Micronaut would otherwise look the charset up while binding the body and fail with a 500
 * ({@code charset=bogus}), or decode the body in whatever charset was named.
 *
 * <p>An answer's JSON is declared as plain {@code application/json} (Serde writes UTF-8, the only charset JSON has):
 * left to itself, Micronaut copies the request's first Accept type into the answer's, parameters and all, so
 * {@code Accept: application/json;charset=iso-8859-1} was answered as Latin-1 JSON, a HEAD not typed at all.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class JsonContentTypeFilter implements Ordered, ConditionalFilter {

    /** After authentication: a caller without a valid token learns nothing about what we accept. */
    static final int ORDER = ServerFilterPhase.SECURITY.after();
    private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    @RequestFilter
    @Nullable
    public MutableHttpResponse<?> requireJson(HttpRequest<?> request) {
        // isEnabled is not consulted on a request with an Origin header (ADR 0124): decide here too.
        if (!WITH_BODY.contains(request.getMethod()) || !isEnabled(request)) {
            return null;
        }
        // As VPS.org: the type of a body only. A POST without one (restore a snapshot) is answered whatever it
        // declares, such as the form type of `curl -X POST -d ''`.
        if (!hasBody(request)) {
            return null;
        }
        String declared = request.getHeaders().get(HttpHeaders.CONTENT_TYPE);
        if (declared == null) {
            return refuse(request, "a request body must be sent as Content-Type: application/json");
        }
        return isUtf8Json(declared) ? null
                : refuse(request, "send the body as Content-Type: application/json (UTF-8; no other charset)");
    }

    @ResponseFilter
    public void answerPlainJson(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (!isEnabled(request)) {
            return;
        }
        MediaType set = response.getContentType().orElse(null);
        if (set == MediaType.APPLICATION_JSON_TYPE) {
            return;
        }
        MediaType declared = set;
        if (declared == null) {
            // A HEAD's body is set aside before the filters (HeadResponseBodies): its answer is typed as the GET's.
            boolean withBody = response.getBody().isPresent() || RouteAttributes.getHeadBody(response).isPresent();
            RouteInfo<?> route = RouteAttributes.getRouteInfo(response).orElse(null);
            declared = withBody && route != null ? typeMicronautWouldTake(request, route) : null;
        }
        if (declared != null && declared.getName().equalsIgnoreCase(MediaType.APPLICATION_JSON)) {
            response.contentType(MediaType.APPLICATION_JSON_TYPE);
        }
    }

    /** Micronaut's choice (RouteExecutor.resolveDefaultResponseContentType): the first Accept type if produced. */
    private static MediaType typeMicronautWouldTake(HttpRequest<?> request, RouteInfo<?> route) {
        List<MediaType> produces = route.getProduces();
        Iterator<MediaType> accepted = request.accept().iterator();
        if (accepted.hasNext()) {
            MediaType first = accepted.next();
            if (produces.stream().anyMatch(produced -> produced.getName().equalsIgnoreCase(first.getName()))) {
                return first;
            }
        }
        return produces.isEmpty() ? MediaType.APPLICATION_JSON_TYPE : produces.getFirst();
    }

    static boolean isUtf8Json(String declared) {
        MediaType type;
        try {
            type = new MediaType(declared);
        } catch (IllegalArgumentException unreadable) {
            return false;
        }
        if (!type.getName().strip().equalsIgnoreCase(MediaType.APPLICATION_JSON)) {
            return false;
        }
        for (CharSequence name : type.getParameters()) {
            if (name.toString().strip().toLowerCase(Locale.ROOT).equals("charset")
                    && !isUtf8(type.getParameters().get(name).orElse(""))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUtf8(String charset) {
        try {
            return Charset.forName(charset.strip()).equals(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException unknownOrIllegal) {
            return false;
        }
    }

    private static boolean hasBody(HttpRequest<?> request) {
        return request.getContentLength() > 0 || request.getHeaders().contains(HttpHeaders.TRANSFER_ENCODING);
    }

    private static MutableHttpResponse<?> refuse(HttpRequest<?> request, String detail) {
        return FacadeProblems.respond(HttpStatus.UNSUPPORTED_MEDIA_TYPE, detail,
                RequestReason.UNSUPPORTED_MEDIA_TYPE.name(), RequestAttributes.requestId(request), HttpHeaders.CONTENT_TYPE);
    }

    /** {@code /api/} only (FilterPaths). */
    @Override
    public boolean isEnabled(HttpRequest<?> request) {
        return FilterPaths.underApi(request.getPath());
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
