package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * {@code http.server.requests} is recorded by the service's own filter (ServerRequestTimers, ADR 0128) instead of
 * Micronaut Micrometer's: the same requests give the same series on /prometheus, name, tags and counts, as on an
 * instance with the library's filter switched back on ({@code micronaut.metrics.binders.web.enabled=true}), and
 * never both filters at once.
 */
class ServerRequestTimersEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(), Map.of());

    static RunningPlatform ours;
    static RunningPlatform library;

    @BeforeAll
    static void start() {
        ours = SETUP.platform();
        library = RunningPlatform.start(SETUP.database().database(), SETUP.simulator(),
                Map.of("micronaut.metrics.binders.web.enabled", "true"));
    }

    @AfterAll
    static void stop() {
        if (library != null) {
            library.close();
        }
    }

    @Test
    void theSameRequestsGiveTheSameSeriesAsTheLibrarysFilter() {
        for (RunningPlatform platform : List.of(ours, library)) {
            sendTheSameRequests(platform);
        }

        List<String> ourSeries = series(ours);
        // The library's series, and the answers its filter never saw: those a filter gave itself (ADR 0128, amended).
        assertThat(ourSeries).containsAll(series(library));
        assertThat(ourSeries.stream().filter(line -> !series(library).contains(line)).toList()).containsExactly(
                "http_server_requests_seconds_count{exception=\"none\",method=\"GET\",status=\"400\",uri=\"/api/v1/snapshots\"} 1",
                "http_server_requests_seconds_count{exception=\"none\",method=\"GET\",status=\"401\",uri=\"/api/v1/snapshots\"} 1",
                // A body that is not JSON is refused by the duplicate-key filter since session 47 (ADR 0006).
                "http_server_requests_seconds_count{exception=\"none\",method=\"POST\",status=\"400\",uri=\"/api/v1/snapshots\"} 1");
        assertThat(ourSeries).contains(
                "http_server_requests_seconds_count{exception=\"none\",method=\"GET\",status=\"200\",uri=\"/api/v1/snapshots\"} 4",
                "http_server_requests_seconds_count{exception=\"InvalidRequest\",method=\"GET\",status=\"400\",uri=\"/api/v1/snapshots\"} 1",
                "http_server_requests_seconds_count{exception=\"NotFoundException\",method=\"GET\",status=\"404\",uri=\"NOT_FOUND\"} 1",
                "http_server_requests_seconds_count{exception=\"NotAllowedException\",method=\"PUT\",status=\"405\",uri=\"UNMATCHED_URI\"} 1",
                "http_server_requests_seconds_count{exception=\"ProviderFailure\",method=\"GET\",status=\"502\",uri=\"/api/v1/snapshots\"} 1",
                "http_server_requests_seconds_count{exception=\"none\",method=\"GET\",status=\"303\",uri=\"REDIRECTION\"} 1");
        assertThat(ours.send("GET", "/prometheus", null, null).raw().body())
                .contains("# TYPE http_server_requests_seconds summary", "# TYPE http_server_requests_seconds_max gauge");
    }

    private static void sendTheSameRequests(RunningPlatform platform) {
        assertThat(platform.send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null).status()).isEqualTo(200);
        assertThat(platform.send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null).status()).isEqualTo(200);
        assertThat(platform.send("GET", "/api/v1/snapshots", DEMO_TOKEN, null).status()).isEqualTo(200);
        assertThat(platform.send("GET", "/api/v1/snapshots/?server_id=12345", DEMO_TOKEN, null).status()).isEqualTo(200);
        assertThat(platform.send("GET", "/api/v1/snapshots/?server_id=abc", DEMO_TOKEN, null).status()).isEqualTo(400);
        assertThat(platform.send("GET", "/api/v1/snapshots/snap-unknown/", DEMO_TOKEN, null).status()).isEqualTo(400);
        assertThat(platform.send("GET", "/api/v1/nothing-here", DEMO_TOKEN, null).status()).isEqualTo(404);
        assertThat(platform.send("PUT", "/api/v1/snapshots/", DEMO_TOKEN, "{}").status()).isEqualTo(405);
        assertThat(platform.send("POST", "/api/v1/snapshots/", DEMO_TOKEN, "{").status()).isEqualTo(400);
        assertThat(platform.send("GET", "/api/v1/snapshots/", null, null).status()).isEqualTo(401);
        assertThat(platform.send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null, Map.of("X-Request-Id", "not a request id"))
                .status()).isEqualTo(400);
        assertThat(platform.send("GET", "/health", null, null).status()).isEqualTo(200);
        assertThat(platform.send("GET", "/console/", null, null).status()).isEqualTo(303);
        SETUP.simulator().faults().add(Fault.serverError(503).on("GET", "/api/v1/snapshots/"));
        try {
            assertThat(platform.send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null).status()).isEqualTo(502);
        } finally {
            SETUP.simulator().faults().clear();
        }
    }

    /** The series' counts as /prometheus gives them, sorted. */
    private static List<String> series(RunningPlatform platform) {
        String body = platform.send("GET", "/prometheus", null, null, Map.of("Accept", "text/plain")).raw().body();
        return body.lines().filter(line -> line.startsWith("http_server_requests_seconds_count")).sorted().toList();
    }
}
