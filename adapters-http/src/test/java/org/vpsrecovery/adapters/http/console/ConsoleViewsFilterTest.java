package org.vpsrecovery.adapters.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpRequest;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.web.router.Router;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Views are rendered on the console's paths only (ADR 0092): an API request, the team's list first, passes no views
 * filter, whose reactive chain cost every request its operators; the console's pages still pass one. Since ADR 0124
 * the console's views filter is in every request's one list of filters (declared on every path) and decides in
 * {@code isEnabled}, which Micronaut asks before it runs a filter, whether the path is the console's.
 */
@MicronautTest(environments = "test")
class ConsoleViewsFilterTest {

    @Inject
    Router router;

    @Inject
    ConsoleViewsFilter consoleViews;

    @Test
    void theApiPassesNoViewsFilter() {
        for (String path : List.of("/api/v1/snapshots/", "/api/v1/backups/", "/api/v1/snapshots/801/")) {
            assertThat(viewsFiltersOf(path)).as(path).singleElement().asString().contains("ConsoleViewsFilter");
            assertThat(consoleViews.isEnabled(HttpRequest.GET(path))).as(path).isFalse();
        }
    }

    @Test
    void theConsolePassesItsViewsFilter() {
        for (String path : List.of("/console", "/console/", "/console/sign-in", "/console/audit/events")) {
            assertThat(viewsFiltersOf(path)).as(path).singleElement().asString().contains("ConsoleViewsFilter");
            assertThat(consoleViews.isEnabled(HttpRequest.GET(path))).as(path).isTrue();
        }
    }

    /** The views filters in the router's list for the path: Micronaut's own is replaced by the console's. */
    private List<String> viewsFiltersOf(String path) {
        return router.findFilters(HttpRequest.GET(path)).stream().map(Object::toString)
                .filter(filter -> filter.contains("ViewsFilter")).toList();
    }
}
