package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.annotation.Requirements;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Produces;
import io.swagger.v3.oas.annotations.Hidden;
import org.vpsrecovery.adapters.http.facade.FacadeExceptionHandlers.InvalidRequestHandler;
import org.vpsrecovery.adapters.http.facade.FacadeExceptionHandlers.RecoveryFailureHandler;
import org.vpsrecovery.domain.common.RecoveryException;

/**
 * The expected failures (a refusal, a denial, a 404, a fair share's 429, a bad parameter) reach their
 * problem+json through global error routes, which the router finds, rather than through an
 * {@code ExceptionHandler} bean, which Micronaut 4.10 looks up in the bean context on every error
 * without its cache: the qualifier it builds ({@code Qualifiers.byTypeArgumentsClosest}) has no
 * {@code equals}, so the bounded candidate cache never hits and each lookup scans the bean
 * definitions (16 % of a refused create's CPU samples, ADR 0067). The answers are the handlers' own.
 */
@Controller
@Hidden
@Requirements(@Requires(classes = RecoveryException.class))
public class FacadeErrorRoutes {

    private final RecoveryFailureHandler recoveryFailures;
    private final InvalidRequestHandler invalidRequests;

    public FacadeErrorRoutes(RecoveryFailureHandler recoveryFailures, InvalidRequestHandler invalidRequests) {
        this.recoveryFailures = recoveryFailures;
        this.invalidRequests = invalidRequests;
    }

    @Error(global = true, exception = RecoveryException.class)
    @Produces(ProblemDetails.MEDIA_TYPE)
    public HttpResponse<?> recoveryFailure(HttpRequest<?> request, RecoveryException failure) {
        return recoveryFailures.handle(request, failure);
    }

    @Error(global = true, exception = InvalidRequest.class)
    @Produces(ProblemDetails.MEDIA_TYPE)
    public HttpResponse<?> invalidRequest(HttpRequest<?> request, InvalidRequest invalid) {
        return invalidRequests.handle(request, invalid);
    }
}
