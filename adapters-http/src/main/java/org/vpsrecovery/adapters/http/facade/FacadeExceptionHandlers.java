package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requirements;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.core.type.Argument;
import io.micronaut.http.server.exceptions.ConversionErrorHandler;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.http.server.exceptions.UnsatisfiedRouteHandler;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.exceptions.UnsatisfiedBodyRouteException;
import io.micronaut.web.router.exceptions.UnsatisfiedRouteException;
import io.micronaut.validation.exceptions.ConstraintExceptionHandler;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolationException;
import java.time.Clock;
import java.util.Comparator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.port.ProviderFailure;

/**
 * The typed failures of the use cases and of input parsing, answered as problem+json; and anything
 * unexpected, answered 500 and logged with the request id the caller was given.
 */
public final class FacadeExceptionHandlers {

    private FacadeExceptionHandlers() {
    }

    @Singleton
    @Produces(ProblemDetails.MEDIA_TYPE)
    @Requirements(@Requires(classes = RecoveryException.class))
    public static class RecoveryFailureHandler implements ExceptionHandler<RecoveryException, HttpResponse<?>> {
        private static final Logger LOG = LoggerFactory.getLogger(RecoveryFailureHandler.class);

        private final Clock clock;

        public RecoveryFailureHandler(Clock clock) {
            this.clock = clock;
        }

        @Override
        public HttpResponse<?> handle(HttpRequest request, RecoveryException failure) {
            var response = FacadeProblems.of(failure, RequestAttributes.requestId(request), clock);
            // A provider failure after the intent names its stored operation, which the caller may follow. Told by the
            // failure, not read from the store: a read failing here (the database out of reach) would fail this route
            // and turn a 504 OUTCOME_UNKNOWN into a 500 (ADR 0023, amended in session 40).
            if (failure instanceof ProviderFailure providerFailure) {
                providerFailure.operation()
                        .ifPresent(id -> response.header(RequestAttributes.OPERATION_ID_HEADER, id.toString()));
            }
            FacadeProblems.logIfOurs(LOG, request, response.getStatus(), failure);
            return response;
        }
    }

    @Singleton
    @Produces(ProblemDetails.MEDIA_TYPE)
    public static class InvalidRequestHandler implements ExceptionHandler<InvalidRequest, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, InvalidRequest invalid) {
            return FacadeProblems.of(invalid, RequestAttributes.requestId(request));
        }
    }

    /**
     * A bound request body that breaks a rule of its record: {@code INVALID_FIELD}, naming the
     * field by its JSON name; when several fields break rules, the first in the body's order.
     */
    @Singleton
    @Produces(ProblemDetails.MEDIA_TYPE)
    @Replaces(ConstraintExceptionHandler.class)
    public static class InvalidBodyFieldHandler implements ExceptionHandler<ConstraintViolationException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, ConstraintViolationException invalid) {
            InvalidRequest first = invalid.getConstraintViolations().stream()
                    .map(FacadeRequests::fieldRefusal)
                    .min(Comparator.comparingInt(FacadeRequests.FieldRefusal::position))
                    .map(FacadeRequests.FieldRefusal::refusal)
                    .orElse(new InvalidRequest(RequestReason.INVALID_JSON, null, "the request body is not valid"));
            return FacadeProblems.of(first, RequestAttributes.requestId(request));
        }
    }

    /**
     * A request body Micronaut could not bind: a field in the wrong JSON type ({@link StrictJsonFields}
     * says which), or a body that is not a JSON object at all.
     */
    @Singleton
    @Produces(ProblemDetails.MEDIA_TYPE)
    @Replaces(ConversionErrorHandler.class)
    public static class UnboundBodyHandler implements ExceptionHandler<ConversionErrorException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, ConversionErrorException unbound) {
            InvalidRequest refusal = null;
            for (Throwable t = unbound; t != null && refusal == null; t = t.getCause()) {
                if (t instanceof InvalidRequest invalid) {
                    refusal = invalid;
                }
            }
            if (refusal != null) {
                return FacadeProblems.of(refusal, RequestAttributes.requestId(request));
            }
            return notTheBody(request, unbound.getArgument()).orElseGet(() -> FacadeProblems.of(new InvalidRequest(
                    RequestReason.INVALID_JSON, null, "the body must be a JSON object of the documented shape"),
                    RequestAttributes.requestId(request)));
        }

        /**
         * A path variable, query value or header that could not be converted is no body error: {@code GET
         * /health/nothing} was answered 400 INVALID_JSON. A path segment naming nothing is a resource not found (404
         * ROUTE_NOT_FOUND); a query value or header, 400 naming it (ADR 0006, amended in session 51).
         */
        private static java.util.Optional<HttpResponse<?>> notTheBody(HttpRequest<?> request, Argument<?> argument) {
            if (argument == null || argument.getAnnotationMetadata().hasStereotype(Body.class)) {
                return java.util.Optional.empty();
            }
            String requestId = RequestAttributes.requestId(request);
            boolean pathVariable = argument.getAnnotationMetadata().hasStereotype(PathVariable.class)
                    || RouteAttributes.getRouteMatch(request)
                    .filter(match -> match.getVariableValues().containsKey(argument.getName())).isPresent();
            if (pathVariable) {
                return java.util.Optional.of(FacadeProblems.respond(HttpStatus.NOT_FOUND,
                        "no such resource: " + request.getPath(), RequestReason.ROUTE_NOT_FOUND.name(), requestId, null));
            }
            if (argument.getAnnotationMetadata().hasStereotype(QueryValue.class)) {
                return java.util.Optional.of(FacadeProblems.of(new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER,
                        argument.getName(), argument.getName() + " is not a value it takes"), requestId));
            }
            if (argument.getAnnotationMetadata().hasStereotype(Header.class)) {
                return java.util.Optional.of(FacadeProblems.of(new InvalidRequest(RequestReason.BAD_REQUEST,
                        argument.getName(), "the " + argument.getName() + " header is not a value it takes"), requestId));
            }
            return java.util.Optional.empty();
        }
    }

    /** No body, or the JSON {@code null}, where a JSON object is required. */
    @Singleton
    @Produces(ProblemDetails.MEDIA_TYPE)
    @Replaces(UnsatisfiedRouteHandler.class)
    public static class MissingBodyHandler implements ExceptionHandler<UnsatisfiedRouteException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, UnsatisfiedRouteException unsatisfied) {
            InvalidRequest refusal = unsatisfied instanceof UnsatisfiedBodyRouteException
                    ? new InvalidRequest(RequestReason.INVALID_JSON, null, "a JSON object body is required")
                    : new InvalidRequest(RequestReason.BAD_REQUEST, unsatisfied.getArgument().getName(),
                            unsatisfied.getArgument().getName() + " is required");
            return FacadeProblems.of(refusal, RequestAttributes.requestId(request));
        }
    }

    /**
     * Whatever no closer handler takes (Micronaut's own for bad input stay closer). Replaces the
     * framework's "Unexpected error occurred" line, which is written without the request id. A client
     * that went away mid-request is not a failure of ours: answered 400 (which nobody reads) and logged
     * at DEBUG, as Micronaut does when no handler takes it (ADR 0006, amended in session 43).
     */
    @Singleton
    @Produces(ProblemDetails.MEDIA_TYPE)
    public static class UnexpectedFailureHandler implements ExceptionHandler<Throwable, HttpResponse<?>> {
        private static final Logger LOG = LoggerFactory.getLogger(UnexpectedFailureHandler.class);

        @Override
        public HttpResponse<?> handle(HttpRequest request, Throwable failure) {
            if (ClientGone.is(failure)) {
                try (var id = LoggedRequestId.of(request)) {
                    LOG.debug("{} {}: the client went away before its request was read: {}", request.getMethodName(),
                            request.getPath(), failure.toString());
                }
                return FacadeProblems.respond(HttpStatus.BAD_REQUEST, "the connection ended before the request did",
                        RequestReason.MALFORMED_REQUEST.name(), RequestAttributes.requestId(request), null);
            }
            try (var id = LoggedRequestId.of(request)) {
                LOG.error("{} {} failed unexpectedly: {}", request.getMethodName(), request.getPath(), failure.toString(), failure);
            }
            return FacadeProblems.respond(HttpStatus.INTERNAL_SERVER_ERROR,
                    "an unexpected error; quote the request id to the platform team",
                    RequestReason.INTERNAL_ERROR.name(), RequestAttributes.requestId(request), null);
        }
    }
}
