package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.simulator.SimulatorClock;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.UndocumentedAnswers;

/**
 * A person's create and deletes on a server VPS.org is restoring, over the whole platform, against the simulator started
 * as with {@code --refuse-while-restoring}: VPS.org refuses them {@code 400} "Server is being restored and cannot take
 * this request now". The platform holds no restore here ({@code vpsr.restore-window} 0s), so VPS.org is asked and its
 * refusal is what the person gets: {@code 409 PROVIDER_BUSY} with Retry-After, and once the restore is over the same
 * create is made. Its audit keeps VPS.org's refusal as it came, FAILED {@code PROVIDER_REJECTED} with VPS.org's words
 * and status (ADR 0006, amended in session 51). It was {@code 400 PROVIDER_REJECTED} without Retry-After: a client gave
 * up for good. One clock, standing still, is the platform's and the simulator's: the restore lasts until it is moved.
 */
class RefusedNotNowEndToEndTest {

    static final SimulatorClock CLOCK = SimulatorClock.fixedAt(
            LocalDate.now(ZoneOffset.UTC).plusDays(2).atTime(10, 0).toInstant(ZoneOffset.UTC));
    private static final Duration RESTORE = Duration.ofMinutes(10);

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults().withClock(CLOCK)
            .withDelays(Duration.ZERO, RESTORE)
            .withUndocumentedAnswers(UndocumentedAnswers.none().withRefuseWhileRestoring(true)),
            Map.of("vpsr.restore-window", "0s", "vpsr.tracking.every", "1h", "vpsr.reconcile.every", "1h",
                    "vpsr.policies.tick-every", "1h"))
            .withPlatformClock(CLOCK);

    private static Answer send(String method, String path, String body, String requestId) {
        return SETUP.platform().send(method, path, RunningPlatform.DEMO_TOKEN, body, Map.of("X-Request-Id", requestId));
    }

    private static void assertNotNow(Answer answer) {
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(409);
        assertThat(answer.get("reason_code")).isEqualTo("PROVIDER_BUSY");
        assertThat((String) answer.get("detail")).contains("Server is being restored");
        assertThat(answer.header("Retry-After")).isEqualTo("30");
    }

    private static void assertAuditedAsVpsOrgsRefusal(String requestId) {
        assertThat(SETUP.platform().auditOf(requestId)).extracting(e -> e.event().outcome().kind().name())
                .containsExactly("ACCEPTED", "FAILED");
        RecordedAuditEvent failed = SETUP.platform().auditOf(requestId).getLast();
        assertThat(failed.event().providerStatus()).hasValue(400);
        assertThat(failed.event().outcome()).isInstanceOfSatisfying(Outcome.Failed.class, refusal -> {
            assertThat(refusal.reasonCode()).contains(ReasonCode.PROVIDER_REJECTED);
            assertThat(refusal.cause()).contains("Server is being restored");
        });
    }

    @Test
    void createsAndDeletesVpsOrgRefusesWhileItRestoresAreNotNowAndTheCreateIsMadeOnceTheRestoreIsOver() {
        Answer restore = send("POST", "/api/v1/snapshots/801/restore/?skip_safety_snapshot=true", null, "restore-801");
        assertThat(restore.status()).as(restore.body().toString()).isIn(200, 202);

        String create = "{\"server_id\": 12345, \"name\": \"after-restore\"}";
        Answer created = send("POST", "/api/v1/snapshots/", create, "create-while-restoring");
        Answer snapshotDeleted = send("DELETE", "/api/v1/snapshots/798/", null, "delete-snapshot-while-restoring");
        Answer backupDeleted = send("DELETE", "/api/v1/backups/499/", null, "delete-backup-while-restoring");

        assertNotNow(created);
        assertNotNow(snapshotDeleted);
        assertNotNow(backupDeleted);
        assertAuditedAsVpsOrgsRefusal("create-while-restoring");
        assertAuditedAsVpsOrgsRefusal("delete-snapshot-while-restoring");
        assertAuditedAsVpsOrgsRefusal("delete-backup-while-restoring");

        // Asked again once VPS.org's restore is over, as the Retry-After told the client to: made.
        CLOCK.advance(RESTORE.plusSeconds(1));
        Answer again = send("POST", "/api/v1/snapshots/", create, "create-after-restoring");
        assertThat(again.status()).as(again.body().toString()).isBetween(200, 299);
        assertThat(again.get("name")).isEqualTo("after-restore");
    }
}
