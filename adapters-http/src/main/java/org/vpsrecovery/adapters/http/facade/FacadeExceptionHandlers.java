package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.annotation.Requirements;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.vpsrecovery.domain.common.RecoveryException;

/** The typed failures of the use cases and of input parsing, answered as problem+json. */
public final class FacadeExceptionHandlers {

    private FacadeExceptionHandlers() {
    }

    @Singleton
    @Produces(ProblemDetails.MEDIA_TYPE)
    @Requirements(@Requires(classes = RecoveryException.class))
    public static class RecoveryFailureHandler implements ExceptionHandler<RecoveryException, HttpResponse<?>> {
        @Override
        public HttpResponse<?> handle(HttpRequest request, RecoveryException failure) {
            return FacadeProblems.of(failure, RequestAttributes.requestId(request));
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
