package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The whole service started with {@code vpsr.paused-after-restore}, as deploy.md's recovery after the platform's
 * database was restored says: a client retrying a create with an Idempotency-Key the restored database forgot is refused
 * unsent, 503 {@code PAUSED_AFTER_RESTORE} with Retry-After, audited {@code REJECTED}, and asking again is refused again
 * (the key freed, never taken for a first request); reads stay open (ADR 0028, amended in session 52).
 */
class PausedAfterRestoreEndToEndTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private VpsOrgSimulator simulator;
    private RunningPlatform platform;

    @BeforeEach
    void start() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        Map<String, Object> settings = new HashMap<>(PlatformOnSimulator.NO_BACKGROUND_TRACKING);
        settings.put("vpsr.paused-after-restore", true);
        platform = RunningPlatform.start(DATABASE.anotherMigrated(), simulator, settings);
    }

    @AfterEach
    void stop() {
        platform.close();
        simulator.close();
    }

    private long createsAtVpsOrg() {
        return simulator.requests().stream().filter(r -> r.method().equals("POST")).count();
    }

    @Test
    void aRetriedCreateIsRefusedUnsentAuditedAndRefusedAgainWhileReadsAreServed() {
        String body = "{\"server_id\": 12345, \"name\": \"retried-after-the-restore\"}";
        Map<String, String> key = Map.of("Idempotency-Key", "made-before-the-restore", "X-Request-Id", "paused-create-1");

        Answer refused = platform.send("POST", "/api/v1/snapshots/", DEMO_TOKEN, body, key);

        assertThat(refused.status()).as(refused.raw().body()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body()).containsEntry("reason_code", "PAUSED_AFTER_RESTORE");
        assertThat(refused.header("Retry-After")).isEqualTo("300");
        assertThat(createsAtVpsOrg()).isZero();
        assertThat(platform.auditOf("paused-create-1")).extracting(e -> e.event().operation() + " " + e.event().outcome())
                .containsExactly("CREATE_SNAPSHOT " + new Outcome.Rejected(ReasonCode.PAUSED_AFTER_RESTORE));

        Answer again = platform.send("POST", "/api/v1/snapshots/", DEMO_TOKEN, body,
                Map.of("Idempotency-Key", "made-before-the-restore", "X-Request-Id", "paused-create-2"));
        assertThat(again.status()).as(again.raw().body()).isEqualTo(503);
        assertThat(again.body()).containsEntry("reason_code", "PAUSED_AFTER_RESTORE");
        assertThat(createsAtVpsOrg()).isZero();

        Answer listed = platform.send("GET", "/api/v1/snapshots/?server_id=12345", DEMO_TOKEN, null);
        assertThat(listed.status()).as(listed.raw().body()).isEqualTo(200);
    }
}
