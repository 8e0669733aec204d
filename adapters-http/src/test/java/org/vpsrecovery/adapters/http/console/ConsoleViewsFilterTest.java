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
 * filter, whose reactive chain cost every request its operators; the console's pages still pass one.
 */
@MicronautTest(environments = "test")
class ConsoleViewsFilterTest {

    @Inject
    Router router;

    @Test
    void theApiPassesNoViewsFilter() {
        for (String path : List.of("/api/v1/snapshots/", "/api/v1/backups/", "/api/v1/snapshots/801/")) {
            assertThat(filtersOf(path)).as(path).isNotEmpty().noneMatch(filter -> filter.contains("ViewsFilter"));
        }
    }

    @Test
    void theConsolePassesItsViewsFilter() {
        for (String path : List.of("/console", "/console/", "/console/sign-in", "/console/audit/events")) {
            assertThat(filtersOf(path)).as(path).filteredOn(filter -> filter.contains("ViewsFilter"))
                    .singleElement().asString().contains("ConsoleViewsFilter");
        }
    }

    private List<String> filtersOf(String path) {
        return router.findFilters(HttpRequest.GET(path)).stream().map(Object::toString).toList();
    }
}
