package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * The console's session cookie and the requests other sites make (ADR 0041, amended in session 49), over real HTTP on
 * loopback: Secure and HSTS behind a TLS-terminating balancer, a sign-in form token the service minted, a session
 * cookie sent twice, another site's page reading or exporting, signing in again.
 */
class ConsoleSessionCookieEndToEndTest {

    /** Behind the balancer, as deploy.md says: its X-Forwarded-For and X-Forwarded-Proto are believed. */
    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(),
            Map.of("vpsr.console.sign-in.client-address", "x-forwarded-for"));

    /** What a browser adds to an {@code <img>} of a page on a sibling subdomain. */
    private static final Map<String, String> SAME_SITE_IMAGE = Map.of("Sec-Fetch-Site", "same-site",
            "Sec-Fetch-Mode", "no-cors", "Sec-Fetch-Dest", "image");
    /** What a browser adds to a link followed from another site's page. */
    private static final Map<String, String> SAME_SITE_LINK = Map.of("Sec-Fetch-Site", "same-site",
            "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document");

    private static URI base() {
        return URI.create(SETUP.platform().server.getURL().toString());
    }

    private static ConsoleClient client() {
        return new ConsoleClient(base());
    }

    private static int port() {
        return SETUP.platform().server.getPort();
    }

    /** As nginx passes a browser's request on (docs/deploy/nginx.conf): the public name, and https. */
    private static RawHttpExchange.Answer behindTheBalancer(String method, String target, String cookie, String form) {
        List<Map.Entry<String, String>> headers = new java.util.ArrayList<>(List.of(
                Map.entry("X-Forwarded-Proto", "https"), Map.entry("X-Forwarded-For", "203.0.113.7")));
        if (cookie != null) {
            headers.add(Map.entry("Cookie", cookie));
        }
        if (form != null) {
            headers.add(Map.entry("Content-Type", "application/x-www-form-urlencoded"));
        }
        return RawHttpExchange.send(port(), "recovery.example.org", method, target, headers,
                form == null ? null : form.getBytes(StandardCharsets.US_ASCII));
    }

    private static String setCookie(RawHttpExchange.Answer answer, String name) {
        return answer.headers().entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Set-Cookie"))
                .flatMap(h -> h.getValue().stream()).filter(c -> c.startsWith(name + "=")).findFirst().orElseThrow();
    }

    @Test
    void behindATlsTerminatingBalancerBothCookiesAreSecureAndHstsIsSent() {
        RawHttpExchange.Answer form = behindTheBalancer("GET", "/console/sign-in", null, null);
        assertThat(form.status()).isEqualTo(200);
        String signInCookie = setCookie(form, "vpsr_console_sign_in");
        assertThat(signInCookie).containsIgnoringCase("; Secure");
        assertThat(form.header("Strict-Transport-Security")).isEqualTo("max-age=31536000");
        String csrf = ConsoleClient.csrfOf(form.body());

        RawHttpExchange.Answer signedIn = behindTheBalancer("POST", "/console/sign-in",
                signInCookie.substring(0, signInCookie.indexOf(';')),
                "csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8) + "&token=" + DEMO_TOKEN + "&team=");

        assertThat(signedIn.status()).as(signedIn.body()).isEqualTo(303);
        assertThat(setCookie(signedIn, "vpsr_console")).containsIgnoringCase("; Secure").containsIgnoringCase("HttpOnly");
        assertThat(signedIn.header("Strict-Transport-Security")).isEqualTo("max-age=31536000");

        // Reached by its public name over plain http (no balancer's https): still Secure, but no HSTS over http.
        RawHttpExchange.Answer plain = RawHttpExchange.send(port(), "recovery.example.org", "GET", "/console/sign-in",
                List.of(), null);
        assertThat(setCookie(plain, "vpsr_console_sign_in")).containsIgnoringCase("; Secure");
        assertThat(plain.header("Strict-Transport-Security")).isNull();
    }

    /**
     * Without the balancer setting ({@code client-address=peer}, the default) a client reaching the instance directly
     * cannot claim https: X-Forwarded-Proto was believed from anyone, and made a loopback plain-http answer Secure and
     * HSTS (ADR 0041, amended in session 51).
     */
    @Test
    void withoutTheBalancerSettingXForwardedProtoIsNotBelieved() {
        Map<String, Object> direct = new java.util.LinkedHashMap<>(SETUP.properties());
        direct.remove("vpsr.console.sign-in.client-address");
        try (RunningPlatform peer = RunningPlatform.start(SETUP.database().database(), SETUP.simulator(), direct)) {
            RawHttpExchange.Answer claimed = RawHttpExchange.send(peer.server.getPort(), "localhost", "GET",
                    "/console/sign-in", List.of(Map.entry("X-Forwarded-Proto", "https")), null);

            assertThat(claimed.status()).isEqualTo(200);
            assertThat(setCookie(claimed, "vpsr_console_sign_in")).doesNotContainIgnoringCase("secure");
            assertThat(claimed.header("Strict-Transport-Security")).isNull();
        }
    }

    /**
     * With the balancer setting on, X-Forwarded-Proto is believed only from a peer in {@code trusted-proxies} (ADR 0041,
     * amended in session 52): a client reaching the instance from elsewhere claimed https and got HSTS.
     */
    @Test
    void xForwardedProtoFromAPeerNotInTrustedProxiesIsNotBelieved() {
        Map<String, Object> elsewhere = new java.util.LinkedHashMap<>(SETUP.properties());
        elsewhere.put("vpsr.console.sign-in.client-address", "x-forwarded-for");
        elsewhere.put("vpsr.console.sign-in.trusted-proxies", "192.0.2.10");
        try (RunningPlatform peer = RunningPlatform.start(SETUP.database().database(), SETUP.simulator(), elsewhere)) {
            RawHttpExchange.Answer claimed = RawHttpExchange.send(peer.server.getPort(), "localhost", "GET",
                    "/console/sign-in", List.of(Map.entry("X-Forwarded-Proto", "https")), null);

            assertThat(claimed.status()).isEqualTo(200);
            assertThat(claimed.header("Strict-Transport-Security")).isNull();
        }
    }

    /** The embedded service in a browser on the same machine, over plain http: no Secure, or it could not sign in. */
    @Test
    void overPlainHttpToLoopbackTheCookiesAreNotSecureAndSigningInWorks() {
        ConsoleClient browser = client();
        HttpResponse<String> form = browser.get("/console/sign-in");
        assertThat(form.headers().allValues("Set-Cookie")).singleElement().asString()
                .startsWith("vpsr_console_sign_in=").doesNotContainIgnoringCase("secure");
        assertThat(form.headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(browser.signIn(DEMO_TOKEN, "").statusCode()).isEqualTo(303);
        assertThat(browser.get("/console/").statusCode()).isEqualTo(200);
    }

    /** Login CSRF: a pair the attacker made up, planted as a cookie and posted by its form, signed the victim in. */
    @Test
    void aSignInFormTokenTheServiceDidNotMintIsRefusedThoughCookieAndFieldAreEqual() {
        ConsoleClient victim = client();
        String planted = "x".repeat(43);
        HttpCookie cookie = new HttpCookie("vpsr_console_sign_in", planted);
        cookie.setPath("/console");
        cookie.setVersion(0);
        victim.cookies.getCookieStore().add(base(), cookie);

        HttpResponse<String> forged = victim.post("/console/sign-in", Map.of("csrf", planted, "token", DEMO_TOKEN));

        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
        assertThat(victim.cookie("vpsr_console")).isEmpty();
    }

    /**
     * The form's key was derived from the VPS.org API token, here the simulator's published demo token: anyone could
     * mint a form token the service accepted. It is random, stored in the database (ADR 0041, amended in session 50).
     */
    @Test
    void aSignInFormTokenSignedWithAKeyDerivedFromTheProvidersTokenIsRefused() throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(org.vpsrecovery.simulator.VpsOrgSimulator.DEMO_TOKEN
                .getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] derived = mac.doFinal("vpsr console sign-in form".getBytes(StandardCharsets.US_ASCII));
        mac.init(new javax.crypto.spec.SecretKeySpec(derived, "HmacSHA256"));
        java.util.Base64.Encoder base64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String signed = base64.encodeToString(new byte[32]) + "." + (System.currentTimeMillis() / 1000 + 600);
        String minted = signed + "." + base64.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
        ConsoleClient victim = client();
        HttpCookie cookie = new HttpCookie("vpsr_console_sign_in", minted);
        cookie.setPath("/console");
        cookie.setVersion(0);
        victim.cookies.getCookieStore().add(base(), cookie);

        HttpResponse<String> forged = victim.post("/console/sign-in", Map.of("csrf", minted, "token", DEMO_TOKEN));

        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
        assertThat(victim.cookie("vpsr_console")).isEmpty();
    }

    /**
     * While a rotation of the VPS.org API token rolls out, a form opened on an instance with the old token and posted to
     * one with the new is accepted: every instance reads the one key in the database (it was refused 403, the key
     * derived from each instance's token; ADR 0041, amended in session 50).
     */
    @Test
    void aSignInFormOpenedOnOneInstanceIsAcceptedByAnInstanceWithAnotherProviderToken() {
        Map<String, Object> rotated = new java.util.LinkedHashMap<>(SETUP.properties());
        rotated.put("vpsorg.api-token", "the-rotated-vpsorg-token");
        try (RunningPlatform restarted = RunningPlatform.start(SETUP.database().database(), SETUP.simulator(), rotated)) {
            ConsoleClient browser = client();
            String csrf = ConsoleClient.csrfOf(browser.get("/console/sign-in").body());
            URI other = URI.create(restarted.server.getURL().toString());
            ConsoleClient sameBrowser = new ConsoleClient(other);
            sameBrowser.cookies.getCookieStore().add(other, browser.cookie("vpsr_console_sign_in").orElseThrow());

            HttpResponse<String> posted = sameBrowser.post("/console/sign-in", Map.of("csrf", csrf, "token", DEMO_TOKEN));

            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(303);
            assertThat(sameBrowser.cookie("vpsr_console")).isPresent();
        }
    }

    /** Another site's form posting a sign-in (with a pair the service did mint, fetched by the attacker) is refused. */
    @Test
    void aSignInPostedFromAnotherSiteIsRefused() {
        ConsoleClient victim = client();
        String form = victim.get("/console/sign-in").body();

        HttpResponse<String> forged = victim.post("/console/sign-in",
                Map.of("csrf", ConsoleClient.csrfOf(form), "token", DEMO_TOKEN, "team", ""),
                Map.of("Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document"));

        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
        assertThat(victim.cookie("vpsr_console")).isEmpty();
    }

    /** A planted cookie with a longer path is sent first and shadowed the real session. */
    @Test
    void aRequestCarryingTheSessionCookieTwiceIsRefused() {
        ConsoleClient browser = client();
        browser.signIn(DEMO_TOKEN, "");
        String real = browser.cookie("vpsr_console").orElseThrow().getValue();

        RawHttpExchange.Answer twice = RawHttpExchange.send(port(), "GET", "/console/audit/events",
                List.of(Map.entry("Cookie", "vpsr_console=" + "p".repeat(43) + "; vpsr_console=" + real)), null);

        assertThat(twice.status()).as(twice.body()).isEqualTo(400);
        assertThat(twice.header("Content-Type")).startsWith("text/html");
        assertThat(twice.body()).contains("more than once");
        assertThat(browser.get("/console/audit/events").statusCode()).as("the real session alone").isEqualTo(200);
    }

    @Test
    void anotherSitesPageRunsNoExportAndReadsNoPageButALinkFollowedOpensThePage() {
        ConsoleClient auditor = client();
        auditor.signIn(RunningPlatform.AUDITOR_TOKEN, "");
        long exportsBefore = consoleExports();

        HttpResponse<String> image = auditor.get("/console/audit/events.csv", SAME_SITE_IMAGE);
        assertThat(image.statusCode()).as(image.body()).isEqualTo(403);
        assertThat(auditor.get("/console/audit/events.csv", SAME_SITE_LINK).statusCode())
                .as("the export is the console's own link only").isEqualTo(403);
        assertThat(auditor.get("/console/", SAME_SITE_IMAGE).statusCode()).as("the dashboard reads VPS.org").isEqualTo(403);
        assertThat(consoleExports()).as("no export recorded as the auditor's").isEqualTo(exportsBefore);

        assertThat(auditor.get("/console/", SAME_SITE_LINK).statusCode()).isEqualTo(200);
        HttpResponse<String> own = auditor.get("/console/audit/events.csv",
                Map.of("Sec-Fetch-Site", "same-origin", "Sec-Fetch-Mode", "navigate"));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(auditor.get("/console/audit/events.csv").statusCode()).as("no fetch metadata (curl)").isEqualTo(200);
        assertThat(consoleExports()).isEqualTo(exportsBefore + 2);
    }

    /** Signing in again left the session the browser held open, usable by whoever kept its cookie. */
    @Test
    void signingInAgainEndsTheSessionTheBrowserHeld() {
        ConsoleClient browser = client();
        browser.signIn(DEMO_TOKEN, "");
        String first = browser.cookie("vpsr_console").orElseThrow().getValue();
        // The sign-in form open in another tab, posted while signed in.
        ConsoleClient tab = client();
        String form = tab.get("/console/sign-in").body();
        browser.cookies.getCookieStore().add(base(), tab.cookie("vpsr_console_sign_in").orElseThrow());

        HttpResponse<String> again = browser.post("/console/sign-in",
                Map.of("csrf", ConsoleClient.csrfOf(form), "token", DEMO_TOKEN, "team", ""));

        assertThat(again.statusCode()).as(again.body()).isEqualTo(303);
        assertThat(browser.cookie("vpsr_console").orElseThrow().getValue()).isNotEqualTo(first);
        ConsoleClient kept = client();
        HttpCookie old = new HttpCookie("vpsr_console", first);
        old.setPath("/console");
        old.setVersion(0);
        kept.cookies.getCookieStore().add(base(), old);
        assertThat(kept.get("/console/").statusCode()).as("the first session is over").isEqualTo(303);
        assertThat(browser.get("/console/").statusCode()).isEqualTo(200);
    }

    private static long consoleExports() {
        return SETUP.platform().audit().query(AuditQuery.latest(500)).stream()
                .filter(e -> e.event().operation() == Operation.AUDIT_READ)
                .filter(e -> e.event().detail().containsValue("console-export")).count();
    }
}
