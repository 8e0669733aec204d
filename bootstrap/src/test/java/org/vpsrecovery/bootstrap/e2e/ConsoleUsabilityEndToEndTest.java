package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.AUDITOR_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * The console's usability review of session 52 (ADR 0041), over real HTTP: a refused CSV export shown as its page, an
 * ended session sent to sign in with its reason and brought back to its page (never to another site), a sign-in form
 * left open too long shown again, filters that keep their values and say which field is wrong, the times the timeline
 * shows accepted back in its filters, the sign-in's refusals in the console's words, tables in scroll regions.
 */
class ConsoleUsabilityEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(),
            Map.of("vpsr.tracking.every", "1h", "vpsr.reconcile.every", "1h"));

    @BeforeAll
    static void seed() {
        for (int i = 0; i < 2; i++) {
            SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN,
                    "{\"server_id\": 12345, \"name\": \"usability-" + i + "\"}", Map.of("X-Request-Id", "usability-" + i));
        }
    }

    private static URI base() {
        return URI.create(SETUP.platform().server.getURL().toString());
    }

    private static ConsoleClient signedIn(String token) {
        ConsoleClient browser = new ConsoleClient(base());
        assertThat(browser.signIn(token, "").statusCode()).isEqualTo(303);
        return browser;
    }

    /** A browser holding the cookie of a session the service no longer has (ended, expired, signed out elsewhere). */
    private static ConsoleClient withAnEndedSession() {
        ConsoleClient browser = new ConsoleClient(base());
        HttpCookie ended = new HttpCookie("vpsr_console", "e".repeat(43));
        ended.setPath("/console");
        ended.setVersion(0);
        browser.cookies.getCookieStore().add(base(), ended);
        return browser;
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /**
     * The export link carried {@code download}: a browser saved whatever answered it as a file, so a refused export's
     * page (an altered chain, 429, 503, 400) was never shown, and an ended session saved the sign-in page as a CSV.
     */
    @Test
    void theExportLinkIsAPlainLinkAndARefusedExportIsAPage() {
        ConsoleClient browser = signedIn(DEMO_TOKEN);
        String timeline = browser.get("/console/audit/events?operation=create_snapshot").body();
        assertThat(timeline).contains("id=\"csv-export\"").doesNotContain(" download>").doesNotContain(" download ");

        HttpResponse<String> refused = browser.get("/console/audit/events.csv?team=other");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(refused.headers().firstValue("Content-Disposition")).isEmpty();
        HttpResponse<String> exported = browser.get("/console/audit/events.csv?operation=create_snapshot");
        assertThat(exported.statusCode()).isEqualTo(200);
        assertThat(exported.headers().firstValue("Content-Disposition").orElse("")).startsWith("attachment");
    }

    /** An ended session went to a bare sign-in page, saying nothing and losing the page the person was on. */
    @Test
    void anEndedSessionIsSentToSignInWithItsReasonAndBroughtBackToItsPage() {
        ConsoleClient browser = withAnEndedSession();
        String page = "/console/audit/events?operation=create_snapshot&outcome=accepted";

        HttpResponse<String> ended = browser.get(page);

        assertThat(ended.statusCode()).isEqualTo(303);
        String location = ended.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo("/console/sign-in?expired=1&next=" + encoded(page));
        HttpResponse<String> form = browser.get(location);
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("Your session ended; sign in again.",
                "<input type=\"hidden\" name=\"next\" value=\"" + page.replace("&", "&amp;") + "\">");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("csrf", ConsoleClient.csrfOf(form.body()));
        fields.put("token", DEMO_TOKEN);
        fields.put("next", page);
        HttpResponse<String> back = browser.post("/console/sign-in", fields);
        assertThat(back.statusCode()).isEqualTo(303);
        assertThat(back.headers().firstValue("Location")).hasValue(page);
        // Java's cookie store keeps the ended cookie beside the new one (a browser replaces it): dropped by hand.
        browser.cookies.getCookieStore().getCookies().stream().filter(c -> c.getValue().equals("e".repeat(43)))
                .toList().forEach(c -> browser.cookies.getCookieStore().remove(base(), c));
        assertThat(browser.get(page).statusCode()).isEqualTo(200);

        // The export is a download: an ended session's export brings the person back to the timeline it was made from.
        HttpResponse<String> export = withAnEndedSession().get("/console/audit/events.csv?operation=create_snapshot");
        assertThat(export.headers().firstValue("Location"))
                .hasValue("/console/sign-in?expired=1&next=" + encoded("/console/audit/events?operation=create_snapshot"));
        // A first visit, without any session, is no ended session.
        assertThat(new ConsoleClient(base()).get("/console/operations").headers().firstValue("Location"))
                .hasValue("/console/sign-in?next=" + encoded("/console/operations"));
    }

    /** Signing in goes to {@code next} only when it is a page of the console: never to another site. */
    @Test
    void signingInNeverGoesToAnotherSite() {
        for (String next : List.of("//evil.example/console/", "/\\evil.example", "https://evil.example/console/",
                "/console/..%2f..%2fapi/v1/snapshots/", "%2F%2Fevil.example", "/%2F%2Fevil.example", "/%5Cevil.example",
                "/console/%2F%2Fevil.example", "/console/%5C%5Cevil.example", "javascript:alert(1)", "/api/v1/snapshots/",
                "/console/\r\nSet-Cookie: x=y", " /console/")) {
            ConsoleClient browser = new ConsoleClient(base());
            HttpResponse<String> form = browser.get("/console/sign-in?expired=1&next=" + encoded(next));
            assertThat(form.statusCode()).as(next).isEqualTo(200);
            assertThat(form.body()).as(next).doesNotContain("name=\"next\"");
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("csrf", ConsoleClient.csrfOf(form.body()));
            fields.put("token", DEMO_TOKEN);
            fields.put("next", next);
            HttpResponse<String> signedIn = browser.post("/console/sign-in", fields);
            assertThat(signedIn.statusCode()).as(next).isEqualTo(303);
            assertThat(signedIn.headers().firstValue("Location")).as(next).hasValue("/console/");
        }
        // Already signed in: the sign-in page sends a safe next on, an unsafe one home.
        ConsoleClient browser = signedIn(DEMO_TOKEN);
        assertThat(browser.get("/console/sign-in?next=" + encoded("/console/operations")).headers()
                .firstValue("Location")).hasValue("/console/operations");
        assertThat(browser.get("/console/sign-in?next=" + encoded("//evil.example")).headers()
                .firstValue("Location")).hasValue("/console/");
    }

    /** A sign-in form left open past its CSRF token's life was a dead-end 403 page. */
    @Test
    void aSignInFormLeftOpenTooLongIsShownAgainWithAMessage() {
        ConsoleClient browser = new ConsoleClient(base());
        browser.get("/console/sign-in");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("csrf", "x".repeat(43));
        fields.put("token", DEMO_TOKEN);
        fields.put("next", "/console/operations");

        HttpResponse<String> stale = browser.post("/console/sign-in", fields);

        assertThat(stale.statusCode()).isEqualTo(403);
        assertThat(stale.body()).contains("id=\"sign-in-error\"", "This sign-in form was open too long",
                "<input id=\"token\"", "name=\"next\" value=\"/console/operations\"").doesNotContain(DEMO_TOKEN);
        assertThat(browser.cookie("vpsr_console")).isEmpty();
        fields.put("csrf", ConsoleClient.csrfOf(stale.body()));
        HttpResponse<String> again = browser.post("/console/sign-in", fields);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(303);
        assertThat(again.headers().firstValue("Location")).hasValue("/console/operations");
    }

    /** "Authorization: Bearer <token>" is the API's wording; the field is tied to the error for screen readers. */
    @Test
    void aRefusedTokenIsToldInTheConsolesWordsAndTiedToTheField() {
        HttpResponse<String> refused = new ConsoleClient(base()).signIn("not-a-token", "");

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("This token was not accepted", "aria-describedby=\"sign-in-error token-hint\"",
                "aria-invalid=\"true\"").doesNotContain("Bearer", "Authorization", "not-a-token");
    }

    /** The summary's form showed its placeholders and "day" again whatever the page showed. */
    @Test
    void theSummaryFormKeepsItsValues() {
        ConsoleClient auditor = signedIn(AUDITOR_TOKEN);

        HttpResponse<String> page = auditor.get("/console/audit/summary?from=2025-11-01T00:00:00Z"
                + "&to=2026-12-01T00:00:00Z&bucket=month");

        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("value=\"2025-11-01T00:00:00Z\"", "value=\"2026-12-01T00:00:00Z\"",
                "<option value=\"month\" selected>");
    }

    /** A wrong filter was a bare 400 page, without the console's header, its form or the field it was about. */
    @Test
    void aWrongFilterShowsThePageAgainWithTheMessageTiedToItsField() {
        ConsoleClient browser = signedIn(DEMO_TOKEN);

        HttpResponse<String> timeline = browser.get("/console/audit/events?from=yesterday&operation=create_snapshot");

        assertThat(timeline.statusCode()).isEqualTo(400);
        assertThat(timeline.body()).contains("id=\"signed-in-as\"", "id=\"filter-error\"", "INVALID_TIME_RANGE",
                "<input id=\"f-from\" name=\"from\" value=\"yesterday\"", "aria-invalid=\"true\"",
                "aria-describedby=\"filter-error\"", "<option value=\"create_snapshot\" selected>")
                .doesNotContain("id=\"events\"");

        HttpResponse<String> summary = signedIn(AUDITOR_TOKEN).get("/console/audit/summary?to=soon");
        assertThat(summary.statusCode()).isEqualTo(400);
        assertThat(summary.body()).contains("id=\"signed-in-as\"", "id=\"filter-error\"", "value=\"soon\"",
                "aria-invalid=\"true\"", "aria-describedby=\"filter-error\"");
    }

    /** The timeline shows "2026-12-07 10:53 UTC"; its From and To refused that, and a plain date. */
    @Test
    void theFiltersTakeTheTimesThePagesShowAndPlainDates() {
        ConsoleClient browser = signedIn(DEMO_TOKEN);

        HttpResponse<String> friendly = browser.get("/console/audit/events?from=2026-12-01&to="
                + encoded("2026-12-07 10:53 UTC") + "&operation=create_snapshot");

        assertThat(friendly.statusCode()).as(friendly.body()).isEqualTo(303);
        assertThat(friendly.headers().firstValue("Location")).hasValue("/console/audit/events?from="
                + encoded("2026-12-01T00:00:00Z") + "&to=" + encoded("2026-12-07T10:53:00Z") + "&operation=create_snapshot");
        HttpResponse<String> minutes = signedIn(AUDITOR_TOKEN).get("/console/audit/summary?from="
                + encoded("2026-11-01 08:30") + "&bucket=day");
        assertThat(minutes.headers().firstValue("Location"))
                .hasValue("/console/audit/summary?from=" + encoded("2026-11-01T08:30:00Z") + "&bucket=day");
    }

    /** Tables overflowed a phone's width: each is in a region that scrolls, named by its caption, reachable by key. */
    @Test
    void everyTableIsInAScrollRegionNamedByItsCaption() {
        ConsoleClient browser = signedIn(DEMO_TOKEN);
        for (String path : List.of("/console/", "/console/audit/events", "/console/operations")) {
            String page = browser.get(path).body();
            java.util.regex.Matcher table = java.util.regex.Pattern.compile("<table id=\"([a-z-]+)\">").matcher(page);
            int tables = 0;
            while (table.find()) {
                tables++;
                String id = table.group(1);
                assertThat(page).as(path).contains("<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"" + id
                        + "-caption\" tabindex=\"0\">\n<table id=\"" + id + "\">", "<caption id=\"" + id + "-caption\">");
            }
            assertThat(tables).as(path).isPositive();
        }
        assertThat(browser.get("/console/assets/console.css").body()).contains(".top nav ul { list-style: none; display: flex; flex-wrap: wrap;",
                ".table-scroll { overflow-x: auto;");
    }

    /**
     * An empty summary period showed empty charts without a word, and a timeline of one page an empty "Pages of
     * events" navigation (review of session 52).
     */
    @Test
    void anEmptyPeriodSaysSoAndOnePageOfEventsHasNoPager() {
        HttpResponse<String> empty = signedIn(AUDITOR_TOKEN).get("/console/audit/summary?from=2020-01-01T00:00:00Z"
                + "&to=2020-02-01T00:00:00Z&bucket=day");
        assertThat(empty.statusCode()).as(empty.body()).isEqualTo(200);
        assertThat(empty.body()).contains("id=\"no-summary-events\"", "No audit event falls in this period");

        HttpResponse<String> onePage = signedIn(DEMO_TOKEN).get("/console/audit/events?operation=create_snapshot");
        assertThat(onePage.statusCode()).isEqualTo(200);
        assertThat(onePage.body()).contains("id=\"events\"").doesNotContain("Pages of events");
    }
}
