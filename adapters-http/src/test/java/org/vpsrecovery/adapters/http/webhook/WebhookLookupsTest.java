package org.vpsrecovery.adapters.http.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.TargetAddressRules;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * Names that hang ({@link HangingNamesResolver}: {@code hang<n>.example} never answers until released) hold only the
 * lookup threads of their own kind, and a lookup that waited behind them and never began is no failure of its
 * receiver. No timing is asserted: the test waits until the hanging lookups have begun, and the lookups' own time limit
 * (half a second) ends the rest.
 */
class WebhookLookupsTest {

    private final ApacheWebhookTransport transport = new ApacheWebhookTransport(Duration.ofMillis(500),
            Duration.ofSeconds(5), new TargetAddressRules(true, false));
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void release() {
        HangingNamesResolver.releaseAll();
        callers.shutdownNow();
        transport.close();
    }

    /** Four lookups of hanging names, each from its own caller, until all four have begun to hang. */
    private void fourHanging(String prefix, Consumer<String> lookUp) throws InterruptedException {
        for (int i = 1; i <= 4; i++) {
            String host = "hang" + prefix + i + ".example";
            callers.submit(() -> lookUp.accept(host));
        }
        HangingNamesResolver.HANGING.acquire(4);
    }

    @Test
    void subscriptionsBeingMadeWithHangingNamesHoldNoDeliverysLookup() throws InterruptedException {
        WebhookTransport checks = transport.subscriptionChecks();
        fourHanging("1", checks::resolve);

        assertThat(transport.resolve("localhost")).as("a delivery's lookup still answers").isNotEmpty();
        assertThatThrownBy(() -> checks.resolve("localhost")).as("a create behind the hanging ones is told so, not refused")
                .isInstanceOf(WebhookTransport.LookupNotStarted.class);
    }

    @Test
    void aDeliveryLookupThatWaitedBehindHangingOnesAndNeverBeganIsNotTheReceiversFailure() throws InterruptedException {
        fourHanging("2", transport::resolve);

        assertThatThrownBy(() -> transport.resolve("localhost")).isInstanceOf(WebhookTransport.LookupNotStarted.class);
        assertThatThrownBy(() -> transport.post(new WebhookTarget(URI.create("http://localhost:9/hook")), Map.of(), "{}"))
                .as("the connection's own lookup: nothing sent").isInstanceOf(WebhookTransport.LookupNotStarted.class);
        assertThat(transport.subscriptionChecks().resolve("localhost")).as("the creates' lookups are apart").isNotEmpty();
    }

    @Test
    void aLookupThatBeganAndHangsIsTheReceiversOwn() {
        assertThat(transport.resolve("hang3.example")).as("its own name does not answer: does not resolve").isEmpty();
    }
}
