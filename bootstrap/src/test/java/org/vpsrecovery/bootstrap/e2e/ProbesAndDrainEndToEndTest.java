package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.Drain;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * {@code /health/liveness} and {@code /health/readiness} as a load balancer and an operator see
 * them, before and during a drain (ADR 0038). The drain is begun on the {@link Drain} itself, as
 * SIGTERM begins it; the packaged jar's SIGTERM is the reliability suite's (GracefulStopBehindNginxIT).
 */
class ProbesAndDrainEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(), Map.of())
            .onMigratedDatabase();

    @Test
    void readinessIsUpOnceMigratedAndJoinedAndDownWhileDrainingWhileLivenessStaysUp() {
        Answer ready = SETUP.platform().send("GET", "/health/readiness", null, null);
        assertThat(ready.status()).as(ready.raw().body()).isEqualTo(200);
        assertThat(ready.raw().body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(SETUP.platform().send("GET", "/health/readiness", RunningPlatform.DEMO_TOKEN, null).raw().body())
                .as("a team sees the status only").doesNotContain("details");
        Answer readyInDetail = SETUP.platform().send("GET", "/health/readiness", RunningPlatform.AUDITOR_TOKEN, null);
        assertThat(readyInDetail.raw().body())
                .contains("\"instance\"", "\"migrations\":\"applied\"", "\"scheduler\":\"started\"", "\"draining\":false", "\"jdbc\"")
                .as("VPS.org is not the instance's readiness: its outage would empty the load balancer").doesNotContain("vpsorg");
        Answer live = SETUP.platform().send("GET", "/health/liveness", RunningPlatform.AUDITOR_TOKEN, null);
        assertThat(live.status()).as(live.raw().body()).isEqualTo(200);
        assertThat(live.raw().body()).as("liveness checks neither the database nor VPS.org").doesNotContain("jdbc", "vpsorg");
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", RunningPlatform.DEMO_TOKEN, null).status())
                .isEqualTo(200);

        SETUP.platform().context.getBean(Drain.class).begin();

        Answer refused = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", RunningPlatform.DEMO_TOKEN, null);
        assertThat(refused.status()).as(refused.raw().body()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.get("reason_code")).isEqualTo("INSTANCE_DRAINING");
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.header("X-Request-Id")).isNotBlank();
        Answer created = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"while-draining\"}");
        assertThat(created.status()).as("nothing is done for a request that arrives while draining").isEqualTo(503);
        assertThat(SETUP.simulator().requests()).noneMatch(request -> request.method().equals("POST"));

        Answer draining = SETUP.platform().send("GET", "/health/readiness", null, null);
        assertThat(draining.status()).isEqualTo(503);
        assertThat(draining.raw().body()).isEqualTo("{\"status\":\"DOWN\"}");
        assertThat(SETUP.platform().send("GET", "/health/readiness", RunningPlatform.AUDITOR_TOKEN, null).raw().body())
                .contains("\"draining\":true");
        assertThat(SETUP.platform().send("GET", "/health/liveness", null, null).status()).as("draining is no reason to restart")
                .isEqualTo(200);
    }
}
