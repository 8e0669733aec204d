package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.filter.GenericHttpFilter;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.Router;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The filters a route's fixed path passes are matched once and remembered (ADR 0100); what a request passes is
 * exactly what Micronaut's own match gives, on every path: the API's, the console's, health's, one with variables,
 * and one no route answers.
 */
@MicronautTest(environments = "test")
class FiltersMatchedOncePerPathTest {

    @Inject
    Router router;

    @Test
    void theListsFiltersAreMatchedOnceAndRemembered() {
        assertThat(router).isInstanceOf(FiltersMatchedOncePerPath.class);
        List<GenericHttpFilter> first = router.findFilters(routed(HttpMethod.GET, "/api/v1/snapshots/"));
        List<GenericHttpFilter> again = router.findFilters(routed(HttpMethod.GET, "/api/v1/snapshots/?server_id=12345"));
        assertThat(again).isSameAs(first);
        assertThat(first).extracting(Object::toString)
                .anyMatch(filter -> filter.contains("CallerAuthenticationFilter"))
                .anyMatch(filter -> filter.contains("FairShareFilter"))
                .anyMatch(filter -> filter.contains("RequestIdFilter"));
    }

    @Test
    void everyPathPassesWhatMicronautsOwnMatchGives() {
        FiltersMatchedOncePerPath remembering = (FiltersMatchedOncePerPath) router;
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE)) {
            for (String path : List.of("/api/v1/snapshots/", "/api/v1/backups/", "/api/v1/snapshots/801/",
                    "/api/v1/servers/", "/console", "/console/sign-in", "/health", "/health/readiness", "/prometheus",
                    "/no-such-path/", "/api/v1/no-such-path/")) {
                for (int twice = 0; twice < 2; twice++) {
                    MutableHttpRequest<?> request = routed(method, path);
                    assertThat(router.findFilters(request)).as(method + " " + path)
                            .containsExactlyElementsOf(remembering.matchedAnew(request));
                }
            }
        }
    }

    @Test
    void aPathWithVariablesIsMatchedPerRequest() {
        List<GenericHttpFilter> first = router.findFilters(routed(HttpMethod.GET, "/api/v1/snapshots/801/"));
        List<GenericHttpFilter> again = router.findFilters(routed(HttpMethod.GET, "/api/v1/snapshots/801/"));
        assertThat(again).isNotSameAs(first).containsExactlyElementsOf(first);
    }

    private MutableHttpRequest<?> routed(HttpMethod method, String uri) {
        MutableHttpRequest<?> request = HttpRequest.create(method, uri);
        router.route(method, request.getPath()).ifPresent(match -> RouteAttributes.setRouteMatch(request, match));
        return request;
    }
}
