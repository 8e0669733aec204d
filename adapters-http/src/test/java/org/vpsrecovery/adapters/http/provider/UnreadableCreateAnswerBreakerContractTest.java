package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotName;

/**
 * Session 53 (review "apishape"): creates answered 201 in a new shape (the point wrapped in {@code "snapshot"}) are
 * unknown outcomes, and each counted as VPS.org's trouble: five opened the circuit breaker, and every call, lists too,
 * was refused "circuit open". A 2xx says VPS.org is up: the breaker counts it not (VpsOrgSettings: 5xx, timeouts,
 * refused or lost connections only). Real HTTP on loopback.
 */
class UnreadableCreateAnswerBreakerContractTest {

    private static final String SNAPSHOT = """
            {"id": 801, "server": {"id": 12345, "name": "web"}, "name": "n", "status": "in_progress", "size_mb": null,
             "created_at": "2025-01-15T18:30:00Z", "description": "d"}""";

    @Test
    void createsAnsweredTwoHundredInANewShapeAreUnknownOutcomesThatLeaveTheCircuitClosed() throws Exception {
        try (LoopbackProvider vpsOrg = LoopbackProvider.answering((exchange, base) -> {
            if (exchange.getRequestMethod().equals("POST")) {
                LoopbackProvider.json(exchange, 201, "{\"snapshot\": " + SNAPSHOT + ", \"message\": \"being created\"}");
            } else {
                LoopbackProvider.json(exchange, 200, "{\"count\": 1, \"results\": [" + SNAPSHOT + "]}");
            }
        }); VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(vpsOrg.base(), "demo-token"))) {
            for (int i = 0; i < 2 * VpsOrgSettings.CircuitBreaker.defaults().failureThreshold(); i++) {
                int attempt = i;
                ProviderFailure failure = catchThrowableOfType(ProviderFailure.class, () -> client.createSnapshot(
                        new SnapshotDraft(new ServerId(12345), new SnapshotName("new-shape-" + attempt), Optional.empty())));
                assertThat(failure.kind()).isEqualTo(ProviderFailure.Kind.OUTCOME_UNKNOWN);
            }

            assertThat(client.isCircuitOpen()).isFalse();
            assertThat(client.listSnapshots(Optional.of(new ServerId(12345)))).hasSize(1);
        }
    }
}
