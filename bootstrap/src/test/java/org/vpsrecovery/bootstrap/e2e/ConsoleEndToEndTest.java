package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.AUDITOR_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.OTHER_TOKEN;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * The web console over real HTTP, against a real PostgreSQL and the simulator (ADR 0041): signing in
 * with the API's token check, the session cookie, CSRF, the pages each role may see, the audit of
 * the pages' reads, errors as pages.
 */
class ConsoleEndToEndTest {

    static final String TINY_TOKEN = "tiny-team-token-e2e";
    static final String ROTATING_TOKEN = "demo-rotating-token-e2e";
    static final String ROTATING_KEY = "vpsr.teams.demo.tokens.rotating.sha256";

    @RegisterExtension
    static final PlatformWithIdentityProvider SETUP = new PlatformWithIdentityProvider(
            SimulatorOptions.defaults(),
            Map.ofEntries(
                    // Operations stay in flight until a test tracks them: the operations page has something to show.
                    Map.entry("vpsr.tracking.every", "1h"),
                    Map.entry("vpsr.reconcile.every", "1h"),
                    // A team with a small fair share: its console pages count against it as its API calls do.
                    Map.entry("vpsr.teams.tiny.token-sha256", org.vpsrecovery.adapters.http.facade.HashedTeamTokens.sha256Hex(TINY_TOKEN)),
                    Map.entry("vpsr.teams.tiny.servers", "34567"),
                    Map.entry("vpsr.teams.tiny.requests-per-minute", "3"),
                    // A second service token of the demo team, removed from the configuration by one test.
                    Map.entry(ROTATING_KEY, org.vpsrecovery.adapters.http.facade.HashedTeamTokens.sha256Hex(ROTATING_TOKEN))));

    @BeforeAll
    static void start() {
        for (int i = 0; i < 5; i++) {
            SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN,
                    "{\"server_id\": 12345, \"name\": \"console-" + i + "\"}", Map.of("X-Request-Id", "console-seed-" + i));
        }
        SETUP.platform().send("POST", "/api/v1/snapshots/", OTHER_TOKEN, "{\"server_id\": 23456, \"name\": \"other\"}",
                Map.of("X-Request-Id", "console-seed-other"));
    }

    private static ConsoleClient client() {
        return new ConsoleClient(URI.create(SETUP.platform().server.getURL().toString()));
    }

    @Test
    void aTeamTokenOpensASessionWhoseCookieHoldsARandomIdOnly() throws Exception {
        ConsoleClient browser = client();
        HttpResponse<String> form = browser.get("/console/sign-in");
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(form.body()).contains("<html lang=\"en\">", "<label for=\"token\">", "type=\"password\"");

        HttpResponse<String> signedIn = browser.signIn(DEMO_TOKEN, "");

        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Location")).hasValue("/console/");
        String setCookie = signedIn.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("vpsr_console=")).findFirst().orElseThrow();
        assertThat(setCookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict")
                .contains("Path=/console").doesNotContain(DEMO_TOKEN);
        String id = browser.cookie("vpsr_console").orElseThrow().getValue();
        assertThat(id).matches("[A-Za-z0-9_-]{43}");
        // The database keeps the id's digest and who signed in: neither the id nor the token.
        assertThat(rows("SELECT id_digest || ' ' || holder_kind || ' ' || holder || ' ' || actor_subject FROM console_session"))
                .contains(sha256(id) + " team demo demo/default")
                .noneMatch(row -> row.contains(id) || row.contains(DEMO_TOKEN));

        HttpResponse<String> dashboard = browser.get("/console/");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("<th scope=\"row\">12345</th>", "Within target", "demo/default")
                .doesNotContain("23456").doesNotContain(DEMO_TOKEN);
        assertThat(dashboard.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'", "frame-ancestors 'none'").doesNotContain("script-src");
        assertThat(dashboard.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(dashboard.headers().firstValue("Cache-Control")).hasValue("no-store");
        // The page read the audit: the read is audited, with who read it, as on the API.
        RecordedAuditEvent read = lastAuditRead();
        assertThat(read.event().team().value()).isEqualTo("demo");
        assertThat(read.event().detail()).containsEntry("actor_subject", "demo/default")
                .containsValue("console-recoverability");
    }

    /** A client that accepts HTML alone (not a browser's wildcard) gets the console's pages, not a server error. */
    @Test
    void aClientAcceptingOnlyHtmlSignsInAndReadsItsPages() {
        ConsoleClient htmlOnly = new ConsoleClient(URI.create(SETUP.platform().server.getURL().toString()),
                Optional.of("text/html"));
        HttpResponse<String> form = htmlOnly.get("/console/sign-in");
        assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
        assertThat(form.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        HttpResponse<String> signedIn = htmlOnly.signIn(DEMO_TOKEN, "");
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
        HttpResponse<String> dashboard = htmlOnly.get("/console/");
        assertThat(dashboard.statusCode()).as(dashboard.body()).isEqualTo(200);
        assertThat(dashboard.body()).contains("demo/default");
        HttpResponse<String> missing = htmlOnly.get("/console/no-such-page");
        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(404);
    }

    /** A client that accepts no HTML is told so (406), never a server error. */
    @Test
    void aClientAcceptingNoHtmlIsAnsweredNotAcceptable() {
        ConsoleClient jsonOnly = new ConsoleClient(URI.create(SETUP.platform().server.getURL().toString()),
                Optional.of("application/json"));
        for (String path : List.of("/console/sign-in", "/console/", "/console/no-such-page", "/console/audit/events")) {
            HttpResponse<String> answer = jsonOnly.get(path);
            assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(406);
            assertThat(answer.body()).as(path).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    /**
     * The console's pages negotiate as the API does (RFC 9110 12.5.1), with their own types: {@code text/*} and an
     * Accept sent on two lines are answered a page; an Accept whose most specific range gives HTML a q of 0 is 406
     * ({@code text/*} was 406 and {@code text/html;q=0, *}{@code /*} a page, session 42). The stylesheet is CSS.
     */
    @Test
    void consolePagesAndTheStylesheetAnswerWhatAcceptAllowsAndNotAcceptableOtherwise() throws Exception {
        URI base = URI.create(SETUP.platform().server.getURL().toString());
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        record Asked(String path, List<String> accept, int status, String type) {
        }
        for (Asked asked : List.of(new Asked("/console/sign-in", List.of("text/*"), 200, "text/html"),
                new Asked("/console/sign-in", List.of("application/json", "text/html;q=0.5"), 200, "text/html"),
                new Asked("/console/sign-in", List.of("text/html;q=0.5"), 200, "text/html"),
                new Asked("/console/sign-in", List.of("text/html;q=0, */*"), 406, ""),
                new Asked("/console/sign-in", List.of("text/*;q=0", "application/json"), 406, ""),
                new Asked("/console/assets/console.css", List.of("text/css,*/*;q=0.1"), 200, "text/css"),
                new Asked("/console/assets/console.css", List.of("text/*"), 200, "text/css"),
                new Asked("/console/assets/console.css", List.of("text/css;q=0, */*"), 406, ""))) {
            java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(base.resolve(asked.path())).GET();
            asked.accept().forEach(line -> request.header("Accept", line));
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(asked + ": " + answer.body()).isEqualTo(asked.status());
            assertThat(answer.headers().firstValue("Content-Type").orElse("")).as(asked.toString()).startsWith(asked.type());
            assertThat(answer.body()).as(asked.toString()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void aPersonSignsInWithAJwtAndTheirReadsCarryTheirName() throws Exception {
        ConsoleClient browser = client();
        String jwt = SETUP.idp().member("alice", "demo");
        assertThat(browser.signIn(jwt, "demo").statusCode()).isEqualTo(303);
        // The session ends when the JWT does (10 minutes here), not 8 hours later.
        long exp = com.nimbusds.jwt.SignedJWT.parse(jwt).getJWTClaimsSet().getExpirationTime().toInstant().getEpochSecond();
        assertThat(rows("SELECT extract(epoch FROM expires_at)::bigint FROM console_session WHERE actor_subject = 'alice'"))
                .containsExactly(Long.toString(exp));

        HttpResponse<String> timeline = browser.get("/console/audit/events?limit=3");

        assertThat(timeline.statusCode()).isEqualTo(200);
        assertThat(timeline.body()).contains("Signed in as <strong id=\"signed-in-as\">alice</strong> (team demo)");
        assertThat(lastAuditRead().event().detail()).containsEntry("actor_subject", "alice")
                .containsEntry("actor_authentication", "jwt").containsValue("console-events");
    }

    @Test
    void aSessionEndsAtItsNextPageOnceItsTokenIsNoLongerConfigured() throws Exception {
        ConsoleClient browser = client();
        assertThat(browser.signIn(ROTATING_TOKEN, "").statusCode()).isEqualTo(303);
        assertThat(browser.get("/console/operations").statusCode()).isEqualTo(200);
        java.net.HttpCookie session = browser.cookie("vpsr_console").orElseThrow();

        // An instance on the same database whose configuration no longer has that token (a rotation's end).
        Map<String, Object> rotated = new LinkedHashMap<>(SETUP.properties());
        rotated.remove(ROTATING_KEY);
        try (RunningPlatform withoutIt = RunningPlatform.start(SETUP.database().database(), SETUP.simulator(), rotated)) {
            assertSessionEndedAtItsNextPage(withoutIt, browser, session);
            // The API refuses the token there too: the console checks what the API checks.
            assertThat(withoutIt.send("GET", "/api/v1/snapshots/", ROTATING_TOKEN, null, Map.of()).status())
                    .isEqualTo(401);
        }
    }

    /**
     * During a rolling restart that adds a token, a session opened with it on a restarted instance is refused by an
     * instance not yet restarted (its configuration, loaded before the session was opened, lacks the token) with "try
     * again", and kept: the instances that honour it still serve it. It was deleted, signing its user out of every
     * instance at each roll (ADR 0041, amended in session 50). Answered 409, not 503 (amended in session 51).
     */
    @Test
    void aSessionOpenedAfterAnInstanceLoadedItsConfigurationIsRefusedThereButNotEnded() throws Exception {
        Map<String, Object> withoutTheNewToken = new LinkedHashMap<>(SETUP.properties());
        withoutTheNewToken.remove(ROTATING_KEY);
        try (RunningPlatform notYetRestarted = RunningPlatform.start(SETUP.database().database(), SETUP.simulator(),
                withoutTheNewToken)) {
            ConsoleClient browser = client();
            assertThat(browser.signIn(ROTATING_TOKEN, "").statusCode()).isEqualTo(303);
            java.net.HttpCookie session = browser.cookie("vpsr_console").orElseThrow();
            URI base = URI.create(notYetRestarted.server.getURL().toString());
            ConsoleClient sameBrowser = new ConsoleClient(base);
            sameBrowser.cookies.getCookieStore().add(base, session);

            HttpResponse<String> page = sameBrowser.get("/console/operations");

            // 409, which the 5xx alerts and nginx's max_fails leave out: a rolling restart's, not a fault (session 51).
            assertThat(page.statusCode()).as(page.body()).isEqualTo(409);
            assertThat(page.headers().firstValue("Retry-After")).isPresent();
            assertThat(page.body()).contains("Try again in a moment");
            assertThat(rows("SELECT id_digest FROM console_session")).contains(sha256(session.getValue()));
            assertThat(browser.get("/console/operations").statusCode()).isEqualTo(200);
        }
    }

    /**
     * A person's session ends once people no longer sign in (ADR 0041, amended in session 39): an instance whose
     * configuration has no {@code vpsr.identity.jwt.*} refuses the JWT on the API, and its console ends the session
     * opened with it, for every instance, rather than serving pages until the session's idle or absolute end.
     */
    @Test
    void aPersonsSessionEndsAtItsNextPageOnceJwtSignInIsTurnedOff() throws Exception {
        ConsoleClient browser = client();
        String jwt = SETUP.idp().member("dora", "demo");
        assertThat(browser.signIn(jwt, "demo").statusCode()).isEqualTo(303);
        assertThat(browser.get("/console/operations").statusCode()).isEqualTo(200);
        java.net.HttpCookie session = browser.cookie("vpsr_console").orElseThrow();

        Map<String, Object> withoutPeople = new LinkedHashMap<>(SETUP.properties());
        withoutPeople.keySet().removeIf(key -> key.startsWith("vpsr.identity.jwt."));
        try (RunningPlatform peopleOff = RunningPlatform.start(SETUP.database().database(), SETUP.simulator(), withoutPeople)) {
            assertSessionEndedAtItsNextPage(peopleOff, browser, session);
            assertThat(peopleOff.send("GET", "/api/v1/snapshots/", jwt, null, Map.of("X-Vpsr-Team", "demo")).status())
                    .isEqualTo(401);
        }
    }

    /**
     * The session's next page on {@code instance} sends the browser to sign in, and the session is ended for every
     * instance: {@code browser}, which holds it, is sent to sign in on this test's instance too.
     */
    private static void assertSessionEndedAtItsNextPage(RunningPlatform instance, ConsoleClient browser,
            java.net.HttpCookie session) {
        URI base = URI.create(instance.server.getURL().toString());
        ConsoleClient sameBrowser = new ConsoleClient(base);
        sameBrowser.cookies.getCookieStore().add(base, session);

        HttpResponse<String> page = sameBrowser.get("/console/operations");

        assertThat(page.statusCode()).isEqualTo(303);
        // Told the session ended, and brought back to the page once signed in (session 52).
        assertThat(page.headers().firstValue("Location")).hasValue("/console/sign-in?expired=1&next=%2Fconsole%2Foperations");
        // Ended for every instance, not only refused here.
        assertThat(rows("SELECT id_digest FROM console_session")).doesNotContain(sha256(session.getValue()));
        assertThat(browser.get("/console/operations").statusCode()).isEqualTo(303);
    }

    @Test
    void aTokenTheApiRefusesOpensNoSessionAndAFormWithoutItsCsrfTokenIsRefused() {
        ConsoleClient browser = client();
        HttpResponse<String> refused = browser.signIn("not-a-token", "");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("role=\"alert\"", "This token was not accepted").doesNotContain("not-a-token");
        assertThat(browser.cookie("vpsr_console")).isEmpty();

        ConsoleClient forger = client();
        HttpResponse<String> forged = forger.post("/console/sign-in", Map.of("csrf", "x".repeat(43), "token", DEMO_TOKEN));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(forger.cookie("vpsr_console")).isEmpty();
    }

    @Test
    void signingOutNeedsTheSessionsCsrfTokenAndEndsTheSession() {
        ConsoleClient browser = client();
        browser.signIn(DEMO_TOKEN, "");
        String page = browser.get("/console/").body();
        String id = browser.cookie("vpsr_console").orElseThrow().getValue();

        HttpResponse<String> forged = browser.post("/console/sign-out", Map.of("csrf", "forged"));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("CSRF");
        assertThat(browser.get("/console/").statusCode()).as("still signed in").isEqualTo(200);

        HttpResponse<String> out = browser.post("/console/sign-out", Map.of("csrf", ConsoleClient.csrfOf(page)));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(out.headers().firstValue("Location")).hasValue("/console/sign-in");
        assertThat(rows("SELECT id_digest FROM console_session")).doesNotContain(sha256(id));

        ConsoleClient replay = client();
        replay.cookies.getCookieStore().add(URI.create(SETUP.platform().server.getURL().toString()),
                cookie("vpsr_console", id));
        HttpResponse<String> after = replay.get("/console/");
        assertThat(after.statusCode()).as("the old id opens nothing").isEqualTo(303);
        assertThat(after.headers().firstValue("Location")).hasValue("/console/sign-in?expired=1");
    }

    @Test
    void theTimelineFiltersAndPagesByKeysetAndExportsTheSameEvents() {
        ConsoleClient browser = client();
        browser.signIn(DEMO_TOKEN, "");
        List<String> seen = new ArrayList<>();
        String next = "/console/audit/events?operation=create_snapshot&outcome=accepted&limit=2";
        int pages = 0;
        while (next != null) {
            HttpResponse<String> page = browser.get(next);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<option value=\"create_snapshot\" selected>");
            List<String> rows = sequences(page.body());
            assertThat(rows).hasSizeLessThanOrEqualTo(2);
            seen.addAll(rows);
            Matcher more = Pattern.compile("id=\"next-page\" href=\"([^\"]+)\"").matcher(page.body());
            next = more.find() ? more.group(1).replace("&amp;", "&") : null;
            pages++;
        }
        // The same events as the API answers for the same filters, in the same order, each once.
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> api = (List<Map<String, Object>>) SETUP.platform().send("GET",
                "/api/v1/audit/events/?operation=create_snapshot&outcome=accepted", DEMO_TOKEN, null).get("results");
        assertThat(api).hasSizeGreaterThanOrEqualTo(3);
        assertThat(seen).doesNotHaveDuplicates()
                .containsExactlyElementsOf(api.stream().map(e -> e.get("sequence").toString()).toList());
        assertThat(pages).isEqualTo((api.size() + 1) / 2);

        HttpResponse<String> csv = browser.get("/console/audit/events.csv?operation=create_snapshot&outcome=accepted");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.body().lines().skip(1).map(line -> line.substring(0, line.indexOf(','))).toList())
                .containsExactlyElementsOf(seen);
    }

    /**
     * A HEAD on the console's export gives back the cursor and audit-read slot its unsent body took, as on the API: with
     * a reader's share of two slots, the third HEAD was refused and every later export of the team too, until restart
     * (ADR 0062, amended in session 42).
     */
    @Test
    void headsOnTheExportKeepNoSlot() {
        ConsoleClient browser = client();
        browser.signIn(DEMO_TOKEN, "");
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> head = browser.head("/console/audit/events.csv");
            assertThat(head.statusCode()).as("HEAD %d", i).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        }
        HttpResponse<String> csv = browser.get("/console/audit/events.csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.body()).startsWith("sequence,");
    }

    @Test
    void aTeamSeesOnlyItsOwnServersAndAuditAndNeverTheChain() {
        ConsoleClient other = client();
        other.signIn(OTHER_TOKEN, "");
        HttpResponse<String> dashboard = other.get("/console/");
        // Its one server's snapshot may still be being made at VPS.org: either state, in colour and words.
        assertThat(dashboard.body()).contains("<th scope=\"row\">23456</th>").doesNotContain("12345")
                .containsAnyOf("<span class=\"state none\">No recovery point</span>",
                        "<span class=\"state ok\">Within target</span>");
        assertThat(other.get("/console/audit/events?server_id=12345").body()).contains("No events match.");

        HttpResponse<String> foreign = other.get("/console/audit/events?team=demo");
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).contains("FORBIDDEN").doesNotContain("Exception").doesNotContain("at org.");
        assertThat(other.get("/console/audit/verify").statusCode()).isEqualTo(403);
        assertThat(other.get("/console/").body()).doesNotContain("/console/audit/verify");
    }

    @Test
    void anAuditorSeesEveryTeamTheChainAndTheSummaryChart() {
        ConsoleClient auditor = client();
        auditor.signIn(AUDITOR_TOKEN, "");

        assertThat(auditor.get("/console/").body()).contains("12345", "23456");
        HttpResponse<String> chain = auditor.get("/console/audit/verify");
        assertThat(chain.statusCode()).isEqualTo(200);
        assertThat(chain.body()).contains("id=\"chain-state\" class=\"state ok\">Intact</span>");
        HttpResponse<String> summary = auditor.get("/console/audit/summary");
        assertThat(summary.statusCode()).isEqualTo(200);
        assertThat(summary.body()).contains("<svg id=\"chart-per-bucket\" role=\"img\"", "class=\"bar accepted\"")
                .doesNotContain("<script");
        HttpResponse<String> operations = auditor.get("/console/operations");
        assertThat(operations.body()).contains("create snapshot", "<progress max=\"100\"", "23456", "12345");
        assertThat(SETUP.platform().audit().query(AuditQuery.latest(50)).stream()
                .filter(e -> e.event().operation() == Operation.AUDIT_READ)
                .map(e -> e.event().detail().values().toString()).toList())
                .anyMatch(d -> d.contains("console-verify")).anyMatch(d -> d.contains("console-summary"));
    }

    /**
     * The page lists the operations not yet final, not the newest operations with the ended ones dropped: an old one
     * waiting for approval stays in sight behind more newer ended ones than the page shows.
     */
    @Test
    void anOldOperationInFlightIsShownBehindMoreNewerEndedOnesThanThePageHolds() {
        RecoveryOperations operations = SETUP.platform().context.getBean(RecoveryOperations.class);
        TeamId demo = new TeamId("demo");
        ServerId server = new ServerId(12345);
        Instant now = Instant.now();
        Instant asked = now.minus(Duration.ofHours(3));
        RecoveryOperation waiting = RecoveryOperation.pendingApproval(OperationId.random(), demo,
                new RequestId("console-waiting-since-hours"), Operation.DELETE_SNAPSHOT, server,
                ResourceRef.of(new SnapshotId(990_001)), Optional.empty(),
                Approval.requested(Actor.of("alice", Actor.Authentication.JWT, "key-1"), asked, now.plus(Duration.ofDays(1)),
                        false));
        operations.add(waiting);
        for (int i = 0; i < 200; i++) {
            Instant at = now.plusMillis(i);
            RecoveryOperation ended = RecoveryOperation.accepted(OperationId.random(), demo,
                    new RequestId("console-ended-" + i), Operation.CREATE_SNAPSHOT, server, Optional.empty(), at,
                    Duration.ofMinutes(30));
            operations.add(ended);
            RecoveryOperation taken = ended.taken(Optional.empty(), at, "VPS.org took it");
            operations.update(ended, taken);
            operations.update(taken, taken.completed(at, "completed at VPS.org"));
        }
        ConsoleClient browser = client();
        browser.signIn(DEMO_TOKEN, "");

        HttpResponse<String> page = browser.get("/console/operations");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(waiting.id().toString(), "pending approval")
                .doesNotContain("id=\"no-operations\"", "id=\"more-operations\"");
    }

    @Test
    void aTeamsPagesCountAgainstItsFairShareOfVpsOrg() {
        ConsoleClient browser = client();
        assertThat(browser.signIn(TINY_TOKEN, "").statusCode()).as("signing in is no request to VPS.org").isEqualTo(303);
        for (int i = 0; i < 3; i++) {
            assertThat(browser.get("/console/").statusCode()).isEqualTo(200);
        }

        HttpResponse<String> over = browser.get("/console/");

        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(over.body()).contains("TEAM_RATE_LIMITED");
        assertThat(over.headers().firstValue("Retry-After")).hasValueSatisfying(wait ->
                assertThat(Long.parseLong(wait)).isBetween(1L, 60L));
    }

    @Test
    void theFilterFormsEmptyFieldsAreLeftOutOfTheAddress() {
        ConsoleClient browser = client();
        browser.signIn(DEMO_TOKEN, "");

        HttpResponse<String> form = browser.get("/console/audit/events?team=&server_id=&operation=create_snapshot&limit=2");

        assertThat(form.statusCode()).isEqualTo(303);
        assertThat(form.headers().firstValue("Location")).hasValue("/console/audit/events?operation=create_snapshot&limit=2");
    }

    @Test
    void badInputAndUnknownPagesAreAnsweredAsPagesWithoutStackTraces() {
        ConsoleClient browser = client();
        assertThat(browser.get("/console/").headers().firstValue("Location")).hasValue("/console/sign-in");
        browser.signIn(DEMO_TOKEN, "");

        HttpResponse<String> badTime = browser.get("/console/audit/events?from=yesterday");
        assertThat(badTime.statusCode()).isEqualTo(400);
        assertThat(badTime.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(badTime.body()).contains("INVALID_TIME_RANGE").doesNotContain("at org.");
        HttpResponse<String> unknown = browser.get("/console/audit/events?colour=red");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("UNKNOWN_QUERY_PARAMETER");
        // A form posted empty (no field, not even the CSRF token) is refused as a page, never a 500.
        for (String form : List.of("/console/sign-in", "/console/sign-out")) {
            HttpResponse<String> empty = browser.post(form, Map.of());
            assertThat(empty.statusCode()).as(form).isBetween(300, 499);
            assertThat(empty.body()).as(form).doesNotContain("Something went wrong", "at org.");
        }
        HttpResponse<String> missing = browser.get("/console/nothing/here");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("Page not found");
        assertThat(missing.headers().firstValue("Content-Security-Policy")).isPresent();
    }

    /**
     * The summary page is made whole in memory after its read: by day it covers at most a year (366 bars and, summed
     * over the teams, ~8,800 counts at 10 M events a year), longer is a 400 page naming the ways out, as the API
     * refuses its own too-large summaries; by month the ten years every summary may cover are ~120 bars.
     */
    @Test
    void theSummaryPageByDayCoversAtMostAYear() {
        ConsoleClient auditor = client();
        auditor.signIn(AUDITOR_TOKEN, "");

        HttpResponse<String> tenYearsByDay = auditor.get("/console/audit/summary?from=2016-12-01T00:00:00Z"
                + "&to=2026-12-01T00:00:00Z&bucket=day");
        assertThat(tenYearsByDay.statusCode()).as(tenYearsByDay.body()).isEqualTo(400);
        assertThat(tenYearsByDay.body()).contains("SUMMARY_TOO_LARGE", "by month").doesNotContain("<svg");

        HttpResponse<String> aYearByDay = auditor.get("/console/audit/summary?from=2025-12-01T00:00:00Z"
                + "&to=2026-12-01T00:00:00Z&bucket=day");
        assertThat(aYearByDay.statusCode()).as(aYearByDay.body()).isEqualTo(200);
        HttpResponse<String> tenYearsByMonth = auditor.get("/console/audit/summary?from=2016-12-01T00:00:00Z"
                + "&to=2026-12-01T00:00:00Z&bucket=month");
        assertThat(tenYearsByMonth.statusCode()).as(tenYearsByMonth.body()).isEqualTo(200);
    }

    /**
     * What Micronaut itself refuses under /console/ (a method no page has, a body that is not a form, one too large, a
     * form it cannot decode) is a page with that status, never a 500; and a form that could not be decoded is never
     * written to the log, since its text may be the token being signed in with.
     */
    @Test
    void requestsTheFrameworkRefusesAreAnsweredAsPagesWithTheirStatusAndNeverLogged() {
        refusalsAreAnsweredAsPagesAndNeverLogged(client());
    }

    /**
     * The console's error page is chosen whatever Accept allows: under {@code text/*} the API's handlers answered
     * instead, problem+json, and a form that does not decode was a 500 logging its text (session 43).
     */
    @Test
    void requestsTheFrameworkRefusesAreAnsweredAsPagesUnderAWildcardAcceptToo() {
        refusalsAreAnsweredAsPagesAndNeverLogged(
                new ConsoleClient(URI.create(SETUP.platform().server.getURL().toString()), Map.of("Accept", "text/*")));
    }

    /** A browser that went away mid-form is no failure of the console's: no ERROR line, no 500 counted. */
    @Test
    void aFormCutShortByItsClientLogsNoErrorAndCountsNo500() throws Exception {
        RootLogLines captured = RootLogLines.capture();
        MeterRegistry registry = SETUP.platform().context.getBean(MeterRegistry.class);
        try (captured) {
            new CutShortRequest("POST", "/console/sign-in", List.of("Content-Type: " + FORM), "csrf=abc&token")
                    .sendThenClose(SETUP.platform().server.getPort());
            // The request is timed once its answer is written, after any line its handler logs.
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !registry.find("http.server.requests")
                    .tag("uri", "/console/sign-in").tag("exception", "EOFException").timers().isEmpty());
            assertThat(registry.find("http.server.requests").tag("uri", "/console/sign-in")
                    .tag("exception", "EOFException").timers())
                    .extracting(timer -> timer.getId().getTag("status")).containsOnly("400");
        }
        assertThat(captured.events()).map(ConsoleEndToEndTest::wholeText).noneMatch(line -> line.startsWith("ERROR"));
    }

    /**
     * A browser whose connection is reset mid-form (RST, not FIN) is gone too: a 400 page nobody reads, no ERROR line,
     * no 5xx counted, and the next page is served (ADR 0006, amended in session 44).
     */
    @Test
    void aFormWhoseConnectionIsResetLogsNoErrorAndCountsNo5xx() throws Exception {
        RootLogLines captured = RootLogLines.capture();
        MeterRegistry registry = SETUP.platform().context.getBean(MeterRegistry.class);
        var failedBefore = LeavingClient.failedRequests(registry);
        long serverErrorsBefore = LeavingClient.serverErrors(registry);
        try {
            LeavingClient.sendThenReset(SETUP.platform().server.getPort(), "POST /console/sign-in HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nContent-Type: " + FORM + "\r\nContent-Length: 100\r\n\r\ncsrf=abc&token");
            // The request is timed once its answer is written, after any line its handler logs.
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> !LeavingClient.countedSince(registry, failedBefore).isEmpty());

            assertThat(LeavingClient.countedSince(registry, failedBefore).keySet()).singleElement().satisfies(timer -> {
                assertThat(timer.getTag("uri")).isEqualTo("/console/sign-in");
                assertThat(timer.getTag("status")).isEqualTo("400");
                assertThat(timer.getTag("exception")).as("the reset reached the route as a reset")
                        .isIn("NativeIoException", "SocketException");
            });
            assertThat(LeavingClient.serverErrors(registry)).isEqualTo(serverErrorsBefore);
        } finally {
            captured.close();
        }
        assertThat(captured.events()).map(ConsoleEndToEndTest::wholeText).noneMatch(line -> line.startsWith("ERROR"));
        assertPage(client().get("/console/sign-in"), 200);
    }

    private static void refusalsAreAnsweredAsPagesAndNeverLogged(ConsoleClient browser) {
        RootLogLines captured = RootLogLines.capture();
        try (captured) {
            String csrf = ConsoleClient.csrfOf(browser.get("/console/sign-in").body());

            HttpResponse<String> put = browser.send("PUT", "/console/sign-in", FORM, "token=x");
            assertPage(put, 405);
            assertThat(put.headers().firstValue("Allow").orElse("")).contains("POST");
            assertPage(browser.send("DELETE", "/console/sign-out", "", ""), 405);
            assertPage(browser.send("POST", "/console/nothing", FORM, "a=b"), 405);
            assertPage(browser.send("OPTIONS", "/console/", "", ""), 405);
            assertPage(browser.send("POST", "/console/sign-in", "application/json", "{\"token\": \"x\"}"), 415);
            assertPage(browser.send("POST", "/console/sign-in", FORM, "csrf=" + csrf + "&token=" + "a".repeat(20_000)), 413);

            HttpResponse<String> undecodable = browser.send("POST", "/console/sign-in", FORM,
                    "csrf=" + csrf + "&token=abc%zz-rest");
            assertPage(undecodable, 400);
            assertThat(undecodable.body()).contains("not a form");
        }
        List<String> logged = captured.events().stream().map(ConsoleEndToEndTest::wholeText).toList();
        assertThat(logged).noneMatch(line -> line.contains("abc%zz"))
                .noneMatch(line -> line.startsWith("ERROR") && line.contains("console page failed"));
    }

    private static final String FORM = "application/x-www-form-urlencoded";

    private static void assertPage(HttpResponse<String> answer, int status) {
        assertThat(answer.statusCode()).as(answer.request().method() + " " + answer.uri() + ": " + answer.body())
                .isEqualTo(status);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(answer.body()).doesNotContain("Something went wrong", "at org.", "at io.");
    }

    /** A logged event as a reader of the log sees it: level, message, and every exception's type and message. */
    private static String wholeText(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getLevel() + " " + event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            text.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }

    private static List<String> sequences(String page) {
        Matcher row = Pattern.compile("<tr><th scope=\"row\">([0-9]+)</th>").matcher(page);
        List<String> found = new ArrayList<>();
        while (row.find()) {
            found.add(row.group(1));
        }
        return found;
    }

    private static RecordedAuditEvent lastAuditRead() {
        return SETUP.platform().audit().query(AuditQuery.latest(20)).stream()
                .filter(e -> e.event().operation() == Operation.AUDIT_READ)
                .max(java.util.Comparator.comparingLong(RecordedAuditEvent::sequence)).orElseThrow();
    }

    private static java.net.HttpCookie cookie(String name, String value) {
        java.net.HttpCookie cookie = new java.net.HttpCookie(name, value);
        cookie.setPath("/console");
        cookie.setVersion(0);
        return cookie;
    }

    private static List<String> rows(String sql) {
        try (Connection connection = SETUP.database().dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            List<String> found = new ArrayList<>();
            while (rows.next()) {
                found.add(rows.getString(1));
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String text) throws RuntimeException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
