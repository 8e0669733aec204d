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
        SETUP.idp().serving(false);

        Answer down = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", SETUP.idp().member("alice", "demo"), null);

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
        // A token no kept key signed is still the caller's 401, not an outage.
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345",
                TestIdentityProvider.rs256(SETUP.idp().rotatedOut, SETUP.idp().claims("mallory", "demo", c -> { })), null).status())
                .isEqualTo(401);
    }
}
