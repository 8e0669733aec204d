package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;

/**
 * The expected failures are answered through the router's global error routes, not through a
 * per-error bean lookup (ADR 0067); the answers themselves are FacadeHttpTest's.
 */
@MicronautTest(environments = "test")
class FacadeErrorRoutesTest {

    @Inject
    Router router;

    @Test
    void aRecoveryFailureAndAnInvalidRequestHaveAGlobalErrorRoute() {
        HttpRequest<?> request = HttpRequest.POST("/api/v1/snapshots/", "{}");

        assertThat(router.findErrorRoute(new ResourceNotFound(ReasonCode.SERVER_NOT_FOUND, "server 1 not found"), request))
                .hasValueSatisfying(route -> assertThat(route.getRouteInfo().getDeclaringType()).isEqualTo(FacadeErrorRoutes.class));
        assertThat(router.findErrorRoute(new InvalidRequest(RequestReason.INVALID_ID, "snapshot_id", "not an id"), request))
                .hasValueSatisfying(route -> assertThat(route.getRouteInfo().getDeclaringType()).isEqualTo(FacadeErrorRoutes.class));
    }

    @Test
    void anUnexpectedFailureHasNoneAndKeepsItsHandler() {
        assertThat(router.findErrorRoute(new IllegalStateException("a fault"), HttpRequest.GET("/api/v1/snapshots/")))
                .isEmpty();
    }
}
