package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.body.ByteBody;
import io.micronaut.http.body.CloseableAvailableByteBody;
import io.micronaut.http.filter.ConditionalFilter;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A JSON body under {@code /api/} that names a key twice in one object, or is not one JSON value, is 400
 * {@code INVALID_JSON} before any route binds it. Micronaut Serde binds the first of two equal keys and skips the second
 * unread, while VPS.org (DRF over Python's json) and the simulator take the last: {@code {"backup_id":499,"backup_id":501}}
 * restored 499 here and would have restored 501 there (ADR 0027, amended in session 47). Only request bodies are read
 * so strictly; the shared mapper, which also reads VPS.org's answers, stays as it is.
 *
 * <p>Only for a route that reads a body ({@code @Body}): one that takes none, such as a snapshot's restore (VPS.org: "No
 * body"), answers whatever is sent, as DRF parses only a body its view reads. One streaming pass over the body, buffered
 * (at most {@code micronaut.server.max-request-size}), building nothing: the route binds the same bytes afterwards.
 * After the content-type check, which refuses a body not sent as JSON before it is read.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class DuplicateJsonKeyFilter implements Ordered, ConditionalFilter {

    private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);
    /** Jackson's own check: the parser throws at a key its object has had already. */
    private static final JsonFactory STRICT = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    /** How Jackson words the duplicate's refusal ({@code JsonReadContext}); only the answer's detail depends on it. */
    private static final String DUPLICATE_FIELD = "Duplicate field '";

    /**
     * The body is asked for here, not as a {@code @Body} argument: Micronaut reads that before the method runs, and on a
     * request with an Origin header, where {@code isEnabled} is not consulted (ADR 0124), it read every request's body,
     * the console's forms and bodies sent with a GET among them (ADR 0006, amended in session 47).
     */
    @RequestFilter
    public CompletableFuture<Optional<MutableHttpResponse<?>>> refuseDuplicateKeys(HttpRequest<?> request) {
        if (!isEnabled(request) || !(request instanceof ServerHttpRequest<?> served)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        // The route binds its own copy of the body: this one is read and let go.
        return served.byteBody().split(ByteBody.SplitBackpressureMode.FASTEST).buffer().thenApply(body -> {
            try (CloseableAvailableByteBody read = body) {
                return Optional.ofNullable(answer(request, read.toByteArray()));
            }
        });
    }

    /** Null when the body is one JSON value without a key twice, or is empty: the route answers it. */
    @Nullable
    private static MutableHttpResponse<?> answer(HttpRequest<?> request, byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try (JsonParser parser = STRICT.createParser(body)) {
            if (parser.nextToken() == null) {
                return null; // blanks only: the route answers its missing body as before
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                return refuse(request, "the request body must be one JSON value; more follows it");
            }
            return null;
        } catch (JsonProcessingException unreadable) {
            String message = unreadable.getOriginalMessage();
            if (message != null && message.startsWith(DUPLICATE_FIELD)) {
                String name = message.substring(DUPLICATE_FIELD.length(), message.length() - 1);
                return refuse(request, "the request body names \"" + CallerNames.told(name) + "\" twice in one object");
            }
            return refuse(request, "the request body is not valid JSON");
        } catch (IOException cannotHappen) {
            throw new UncheckedIOException("reading a request body held in memory", cannotHappen);
        }
    }

    private static MutableHttpResponse<?> refuse(HttpRequest<?> request, String detail) {
        return FacadeProblems.respond(HttpStatus.BAD_REQUEST, detail, RequestReason.INVALID_JSON.name(),
                RequestAttributes.requestId(request), null);
    }

    /**
     * A POST, PUT or PATCH under {@code /api/} (FilterPaths) matched to a route with a {@code @Body} argument (the route is
     * matched before the filters run): no other request's body is read here.
     */
    @Override
    public boolean isEnabled(HttpRequest<?> request) {
        return WITH_BODY.contains(request.getMethod()) && FilterPaths.underApi(request.getPath())
                && RouteAttributes.getRouteInfo(request).flatMap(RouteInfo::getBodyArgument).isPresent();
    }

    /** Just after {@link JsonContentTypeFilter}: a body not declared as JSON is 415 without being read. */
    @Override
    public int getOrder() {
        return JsonContentTypeFilter.ORDER + 1;
    }
}
