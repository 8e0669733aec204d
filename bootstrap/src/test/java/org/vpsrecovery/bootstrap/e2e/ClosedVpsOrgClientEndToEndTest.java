package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.http.provider.VpsOrgClient;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Requests that reach the platform after its VPS.org client was closed (a stop closes it with the context's beans):
 * Micronaut's client refuses every call before anything is sent, so the caller hears 503 with a Retry-After saying
 * nothing was sent, and the history says the attempt failed (ADR 0010, amended in session 47). Before, each call was
 * retried against the closed client and said "the platform closed its VPS.org client ... before the answer came", as
 * if a request had left. A create reads before it changes anything (its check), so its read is what meets the closed
 * client here; a change refused so is shown on the adapter (FaultContractTest's *AfterTheClientClosed* tests).
 */
class ClosedVpsOrgClientEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(),
            PlatformOnSimulator.NO_BACKGROUND_TRACKING);

    @Test
    void requestsAfterTheVpsOrgClientClosedAreAnswered503NothingSentAndAuditedFailed() {
        SETUP.platform().context.getBean(VpsOrgClient.class).close();
        int sentBefore = SETUP.simulator().requests().size();

        Answer created = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"after-close\"}", Map.of("X-Request-Id", "after-close"));
        Answer listed = SETUP.platform().send("GET", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN, null);

        for (Answer answer : new Answer[] {created, listed}) {
            assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
            assertThat(answer.get("reason_code")).isEqualTo("PROVIDER_UNAVAILABLE");
            assertThat(String.valueOf(answer.get("detail"))).contains("VPS.org client is closed")
                    .contains("nothing was sent");
            assertThat(answer.header("Retry-After")).isNotBlank();
        }
        assertThat(SETUP.platform().auditOf("after-close")).singleElement().satisfies((RecordedAuditEvent failed) ->
                assertThat(failed.event().outcome()).isInstanceOfSatisfying(Outcome.Failed.class,
                        outcome -> assertThat(outcome.cause()).contains("nothing was sent")));
        assertThat(SETUP.simulator().requests()).hasSize(sentBefore);
    }
}
