package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.annotation.Requirements;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.operation.GetOperationUseCase;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.operation.OperationId;
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

        private final GetOperationUseCase operations;

        public RecoveryFailureHandler(GetOperationUseCase operations) {
            this.operations = operations;
        }

        @Override
        public HttpResponse<?> handle(HttpRequest request, RecoveryException failure) {
            var response = FacadeProblems.of(failure, RequestAttributes.requestId(request));
            // A provider failure after the intent: the operation exists, and the caller may follow it.
            if (failure instanceof ProviderFailure) {
                request.getAttribute(RequestAttributes.OPERATION_ID, OperationId.class)
                        .filter(operations::exists)
                        .ifPresent(id -> response.header(RequestAttributes.OPERATION_ID_HEADER, id.toString()));
            }
            if (response.getStatus().getCode() >= 500) {
                // Messages are platform-written (no token, no body).
                try (var id = LoggedRequestId.of(request)) {
                    LOG.warn("{} {} answered {} {}: {}", request.getMethodName(), request.getPath(),
                            response.getStatus().getCode(), failure.reason(), failure.getMessage());
                }
            }
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
     * Whatever no closer handler takes (Micronaut's own for bad input stay closer). Replaces the
     * framework's "Unexpected error occurred" line, which is written without the request id.
     */
    @Singleton
    @Produces(ProblemDetails.MEDIA_TYPE)
    public static class UnexpectedFailureHandler implements ExceptionHandler<Throwable, HttpResponse<?>> {
        private static final Logger LOG = LoggerFactory.getLogger(UnexpectedFailureHandler.class);

        @Override
        public HttpResponse<?> handle(HttpRequest request, Throwable failure) {
            try (var id = LoggedRequestId.of(request)) {
                LOG.error("{} {} failed unexpectedly: {}", request.getMethodName(), request.getPath(), failure.toString(), failure);
            }
            return FacadeProblems.respond(HttpStatus.INTERNAL_SERVER_ERROR,
                    "an unexpected error; quote the request id to the platform team",
                    RequestReason.INTERNAL_ERROR.name(), RequestAttributes.requestId(request), null);
        }
    }
}
