package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.annotation.Requirements;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.operation.GetOperationUseCase;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.ProviderFailure;

/** The typed failures of the use cases and of input parsing, answered as problem+json. */
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
                // Messages are platform-written (no token, no body); the request id is in the MDC too.
                LOG.warn("{} {} answered {} {}: {}", request.getMethodName(), request.getPath(),
                        response.getStatus().getCode(), failure.reason(), failure.getMessage());
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
}
