package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.AUDITOR_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.micronaut.http.HttpRequest;
import io.micronaut.web.router.Router;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Every server filter of the service is declared on {@code /**} and decides its paths itself (ADR 0124), so the router
 * answers every request with its one list of filters, matched and sorted once, instead of matching patterns against
 * each request's path and sorting a new list. The filters still serve the paths they served: the API's authentication,
 * the console's headers, the auditor's view of {@code /health}.
 */
class FiltersOnEveryPathEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(), Map.of());

    @Test
    void theRouterAnswersEveryPathWithItsOneListOfFilters() {
        Router router = SETUP.platform().context.getBean(Router.class);
        var list = router.findFilters(HttpRequest.GET("/api/v1/snapshots/"));
        assertThat(router.findFilters(HttpRequest.GET("/api/v1/snapshots/"))).isSameAs(list);
        assertThat(router.findFilters(HttpRequest.GET("/console/"))).isSameAs(list);
        assertThat(router.findFilters(HttpRequest.GET("/health"))).isSameAs(list);
    }

    @Test
    void theFiltersStillServeTheirPaths() {
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null).status()).isEqualTo(200);
        RunningPlatform.Answer anonymous = SETUP.platform().send("GET", "/api/v1/snapshots/", null, null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).isEqualTo("application/problem+json");

        RunningPlatform.Answer signIn = SETUP.platform().send("GET", "/console/sign-in", null, null);
        assertThat(signIn.raw().headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null).raw().headers()
                .firstValue("X-Frame-Options")).isEmpty();

        assertThat(SETUP.platform().send("GET", "/health", AUDITOR_TOKEN, null).body()).containsKey("details");
        assertThat(SETUP.platform().send("GET", "/health", null, null).body()).doesNotContainKey("details");
    }

    /**
     * A browser's form post carries an {@code Origin} header. Micronaut's CORS filter then runs before the route is
     * matched, and on that path Micronaut 4.10 adds the other filters without asking their {@code isEnabled}: each
     * filter decides its paths in its own methods too. Without that, the console's sign-in was answered with the API's
     * 401 (the first merge of ADR 0124).
     */
    @Test
    void withAnOriginHeaderTheFiltersStillServeOnlyTheirPaths() {
        URI base = URI.create(SETUP.platform().server.getURL().toString());
        Map<String, String> origin = Map.of("Origin", base.getScheme() + "://" + base.getAuthority());
        ConsoleClient browser = new ConsoleClient(base, origin);
        HttpResponse<String> signedIn = browser.signIn(DEMO_TOKEN, "");
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
        HttpResponse<String> dashboard = browser.get("/console/");
        assertThat(dashboard.statusCode()).as(dashboard.body()).isEqualTo(200);
        assertThat(dashboard.body()).contains("demo/default");
        assertThat(dashboard.headers().firstValue("X-Frame-Options")).hasValue("DENY");

        RunningPlatform.Answer list = SETUP.platform().send("GET", "/api/v1/snapshots/", DEMO_TOKEN, null, origin);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.raw().headers().firstValue("X-Frame-Options")).isEmpty();
        RunningPlatform.Answer anonymous = SETUP.platform().send("GET", "/api/v1/snapshots/", null, null, origin);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).isEqualTo("application/problem+json");
        RunningPlatform.Answer notJson = SETUP.platform().sendAsIs("POST", "/api/v1/snapshots/", DEMO_TOKEN, "name=x",
                Map.of("Origin", origin.get("Origin"), "Content-Type", "application/x-www-form-urlencoded"));
        assertThat(notJson.status()).isEqualTo(415);

        assertThat(SETUP.platform().send("GET", "/health", AUDITOR_TOKEN, null, origin).body()).containsKey("details");
        assertThat(SETUP.platform().send("GET", "/health", null, null, origin).body()).doesNotContainKey("details");
    }

    /**
     * With an {@code Origin} header the duplicate-key check ran on every request, and a filter's {@code @Body} argument
     * is read before its method decides anything: a console form over 16 KiB (a browser sends {@code Origin} with every
     * form post) was a 500 logged at ERROR instead of the console's 413 page, a list sent a body over 16 KiB was 413
     * (ADR 0006, amended in session 47). The API's own refusals stay as they are.
     */
    @Test
    void withAnOriginHeaderOnlyTheApisBodyRoutesHaveTheirBodyRead() {
        URI base = URI.create(SETUP.platform().server.getURL().toString());
        Map<String, String> origin = Map.of("Origin", base.getScheme() + "://" + base.getAuthority());
        Map<String, String> originAndJson = new LinkedHashMap<>(origin);
        originAndJson.put("Content-Type", "application/json");
        RootLogLines captured = RootLogLines.capture();
        try (captured) {
            ConsoleClient browser = new ConsoleClient(base, origin);
            String csrf = ConsoleClient.csrfOf(browser.get("/console/sign-in").body());
            HttpResponse<String> tooLarge = browser.send("POST", "/console/sign-in", "application/x-www-form-urlencoded",
                    "csrf=" + csrf + "&token=" + "a".repeat(20_000));
            assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);
            assertThat(tooLarge.body()).contains("larger than this console accepts");

            RunningPlatform.Answer list = SETUP.platform().sendAsIs("GET", "/api/v1/snapshots/", DEMO_TOKEN,
                    "x".repeat(20_000), originAndJson);
            assertThat(list.status()).as(list.raw().body()).isEqualTo(200);

            RunningPlatform.Answer twice = SETUP.platform().sendAsIs("POST", "/api/v1/snapshots/", DEMO_TOKEN,
                    "{\"server_id\": 12345, \"name\": \"first\", \"name\": \"second\"}", originAndJson);
            assertThat(twice.status()).as(twice.raw().body()).isEqualTo(400);
            assertThat(twice.get("reason_code")).isEqualTo("INVALID_JSON");
            RunningPlatform.Answer large = SETUP.platform().sendAsIs("POST", "/api/v1/snapshots/", DEMO_TOKEN,
                    "{\"server_id\": 12345, \"name\": \"" + "x".repeat(20_000) + "\"}", originAndJson);
            assertThat(large.status()).as(large.raw().body()).isEqualTo(413);
            assertThat(large.get("reason_code")).isEqualTo("BODY_TOO_LARGE");
            RunningPlatform.Answer anonymous = SETUP.platform().sendAsIs("POST", "/api/v1/snapshots/", null,
                    "{\"server_id\": 12345, \"name\": \"first\", \"name\": \"second\"}", originAndJson);
            assertThat(anonymous.status()).as(anonymous.raw().body()).isEqualTo(401);
        }
        assertThat(captured.events()).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }
}
