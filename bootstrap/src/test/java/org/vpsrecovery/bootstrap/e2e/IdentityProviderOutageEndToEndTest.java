package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * The identity provider's JWKS cannot be reached (ADR 0034): with keys fetched before, they keep
 * checking tokens within the outage tolerance; with none ever fetched a JWT is answered 503 with
 * Retry-After (not the caller's fault: never 401, never 500), and service tokens still work.
 */
class IdentityProviderOutageEndToEndTest {

    /** Short, so that the test passes the keys' cache time within a moment. */
    static final long CACHE_MILLIS = 200;

    @RegisterExtension
    static final PlatformWithIdentityProvider SETUP = new PlatformWithIdentityProvider(
            SimulatorOptions.defaults(),
            Map.ofEntries(
                    Map.entry("vpsr.identity.jwt.jwks-cache", "PT" + CACHE_MILLIS / 1000.0 + "S"),
                    Map.entry("vpsr.identity.jwt.jwks-outage-tolerance", "1h"),
                    Map.entry("vpsr.tracking.every", "1h"),
                    Map.entry("vpsr.reconcile.every", "1h")));

    @Test
    void noKeysEverFetchedAndTheJwksDownIs503WithRetryAfterThenTheLastGoodKeysOutliveTheirCache() throws InterruptedException {
        // Both outcomes' series from the start, at 0, so that increase() counts the first failure (session 50).
        assertThat(fetches("ok")).isZero();
        assertThat(fetches("failed")).isZero();
        RootLogLines captured = RootLogLines.capture();
        // The tests' logging takes WARN and above; the service's INFO too (ServiceLogging), the recovery's line among them.
        ch.qos.logback.classic.Logger fetchLines = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("org.vpsrecovery.adapters.http.facade.JwksFetches");
        fetchLines.setLevel(Level.INFO);
        SETUP.idp().serving(false);

        Answer down = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", SETUP.idp().member("alice", "demo"), null);
        // The failed fetch is counted and said, with its cause (ADR 0034, amended in session 50).
        assertThat(fetches("failed")).isPositive();
        assertThat(logged(captured, Level.WARN)).as("the failed fetch's WARN").isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("the identity provider's keys (JWKS) could not be fetched (",
                        "failed fetch(es) in a row"));

        assertThat(down.status()).isEqualTo(503);
        assertThat(down.contentType()).startsWith("application/problem+json");
        assertThat(down.get("reason_code")).isEqualTo("IDENTITY_PROVIDER_UNAVAILABLE");
        assertThat(down.header("Retry-After")).matches("[1-9][0-9]*");
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", DEMO_TOKEN, null).status()).isEqualTo(200);
        // The console's sign-in says the same: 503, and when to try again.
        ConsoleClient browser = new ConsoleClient(URI.create(SETUP.platform().server.getURL().toString()));
        HttpResponse<String> signIn = browser.signIn(SETUP.idp().member("alice", "demo"), "");
        assertThat(signIn.statusCode()).as(signIn.body()).isEqualTo(503);
        assertThat(signIn.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(v).matches("[1-9][0-9]*"));

        SETUP.idp().serving(true);
        // Right after the failed fetches the JWKS is not asked again at once (its rate limit): meanwhile a valid token
        // is answered 503 (no keys yet), never 401 as if no key of the provider had signed it.
        List<Integer> answered = new CopyOnWriteArrayList<>();
        await("the JWKS fetched once it serves again").atMost(Duration.ofSeconds(20))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(CACHE_MILLIS / 4)).until(() -> {
                    answered.add(SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345",
                            SETUP.idp().member("alice", "demo"), null).status());
                    return answered.getLast() == 200;
                });
        assertThat(answered).as("no keys yet is the provider's outage, not the caller's fault").allMatch(s -> s == 200 || s == 503);
        int fetched = SETUP.idp().fetches();
        assertThat(fetched).isPositive();
        assertThat(fetches("ok")).isPositive();
        assertThat(logged(captured, Level.INFO)).as("the recovery's INFO").singleElement().asString()
                .startsWith("the identity provider's keys (JWKS) were fetched again, after ");
        double failedBefore = fetches("failed");

        SETUP.idp().serving(false);
        int refusedBefore = SETUP.idp().refusals();
        // Past the cache's time to live the service asks the JWKS again, is refused, and keeps the last good keys.
        await("the JWKS asked again and refused, the last good keys still honoured").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(CACHE_MILLIS)).untilAsserted(() -> {
                    Answer during = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345",
                            SETUP.idp().member("bob", "demo"), null);
                    assertThat(during.status()).as("the last good keys, within the outage tolerance").isEqualTo(200);
                    assertThat(SETUP.idp().refusals()).as("asked again once the cache expired").isGreaterThan(refusedBefore);
                });
        assertThat(SETUP.idp().fetches()).isEqualTo(fetched);
        // The kept keys hide this outage from callers; the counter shows it.
        assertThat(fetches("failed")).isGreaterThan(failedBefore);
        captured.close();
        fetchLines.setLevel(null);
        // A token no kept key signed is still the caller's 401, not an outage.
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345",
                TestIdentityProvider.rs256(SETUP.idp().rotatedOut, SETUP.idp().claims("mallory", "demo", c -> { })), null).status())
                .isEqualTo(401);
    }

    /** {@code vpsr_identity_jwks_fetches_total} of {@code outcome} on /prometheus; fails when the series is not there. */
    private static double fetches(String outcome) {
        String body = SETUP.platform().send("GET", "/prometheus", null, null, Map.of("Accept", "text/plain")).raw().body();
        Matcher sample = Pattern.compile("(?m)^vpsr_identity_jwks_fetches_total\\{[^}]*outcome=\"" + outcome
                + "\"[^}]*\\} (\\S+)$").matcher(body);
        assertThat(sample.find()).as("the series of outcome " + outcome + " on /prometheus").isTrue();
        return Double.parseDouble(sample.group(1));
    }

    /** What the JWKS fetches logged at {@code level}, as formatted. */
    private static List<String> logged(RootLogLines captured, Level level) {
        return captured.events().stream()
                .filter(e -> e.getLevel() == level && e.getLoggerName().endsWith(".JwksFetches"))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }
}
