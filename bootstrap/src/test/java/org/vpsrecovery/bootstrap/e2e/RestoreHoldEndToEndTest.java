package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Issue 11 item 4 over HTTP, on the real PostgreSQL and the simulator: a restore holds its server,
 * shown on GET /api/v1/servers/{id}/ as the x_vpsr_restore extension, on every instance; the point
 * it reads is not deleted (409 RECOVERY_POINT_IN_USE) until the owning team ends the hold early
 * (audited), after which the delete goes through. Another team sees no such server.
 */
class RestoreHoldEndToEndTest {

    static final Map<String, Object> SETTINGS = Map.of(
            "vpsr.teams.demo.servers", "12345,23456", "vpsr.teams.other-team.servers", "34567",
            "vpsr.restore-window", "10m", "vpsr.tracking.every", "500ms", "vpsr.jobs.polling-interval", "500ms");

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(), SETTINGS);

    @SuppressWarnings("unchecked")
    private static Map<String, Object> holdOf(Answer server) {
        assertThat(server.body()).containsKey("x_vpsr_restore");
        return (Map<String, Object>) server.get("x_vpsr_restore");
    }

    private static void assertProblem(Answer answer, int status, String reason) {
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.get("reason_code")).isEqualTo(reason);
    }

    private static List<AuditEvent> audit(String requestId) {
        return SETUP.platform().auditOf(requestId).stream().map(e -> e.event()).toList();
    }

    @Test
    void restoreThenHoldShownThenSourceKeptThenReleasedEarlyAuditedThenDeleted() {
        Answer restored = SETUP.platform().send("POST", "/api/v1/snapshots/801/restore/", RunningPlatform.DEMO_TOKEN, null,
                Map.of("X-Request-Id", "hold-restore"));
        assertThat(restored.status()).isEqualTo(200);
        String operation = restored.header("X-Operation-Id");

        Answer server = SETUP.platform().send("GET", "/api/v1/servers/12345/", RunningPlatform.DEMO_TOKEN, null);
        assertThat(server.status()).isEqualTo(200);
        assertThat(server.body()).containsEntry("id", 12345).containsEntry("status", "restoring");
        Map<String, Object> hold = holdOf(server);
        assertThat(hold).containsEntry("state", "restoring").containsEntry("operation_id", operation)
                .containsEntry("source", Map.of("type", "snapshot", "id", 801, "server_id", 12345));
        // The window counts from VPS.org's answer, which came after the hold's start (ADR 0024, amended in session 50).
        assertThat(Duration.between(Instant.parse((String) hold.get("since")), Instant.parse((String) hold.get("until"))))
                .isBetween(Duration.ofMinutes(10), Duration.ofMinutes(11));
        assertProblem(SETUP.platform().send("GET", "/api/v1/servers/12345/", RunningPlatform.OTHER_TOKEN, null), 404, "SERVER_NOT_FOUND");

        // The hold lives in PostgreSQL: a second instance on the same database shows it and keeps the source.
        try (RunningPlatform second = RunningPlatform.start(SETUP.database().database(), SETUP.simulator(), SETTINGS)) {
            assertThat(holdOf(second.send("GET", "/api/v1/servers/12345/", RunningPlatform.DEMO_TOKEN, null)))
                    .containsEntry("operation_id", operation);
            assertProblem(second.send("DELETE", "/api/v1/snapshots/801/", RunningPlatform.DEMO_TOKEN, null,
                    Map.of("X-Request-Id", "hold-delete-elsewhere")), 409, "RECOVERY_POINT_IN_USE");
        }
        Answer refused = SETUP.platform().send("DELETE", "/api/v1/snapshots/801/", RunningPlatform.DEMO_TOKEN, null,
                Map.of("X-Request-Id", "hold-delete-refused"));
        assertProblem(refused, 409, "RECOVERY_POINT_IN_USE");
        assertThat((String) refused.get("detail")).contains(operation);
        // Come back when the hold ends: whole seconds up to its end, at least 1, never past the 10 min window.
        assertThat(refused.header("Retry-After")).as("Retry-After").isNotNull();
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, Duration.ofMinutes(10).toSeconds());
        assertThat(audit("hold-delete-refused")).singleElement().satisfies(e ->
                assertThat(e.outcome()).isEqualTo(new Outcome.Rejected(ReasonCode.RECOVERY_POINT_IN_USE)));
        assertThat(SETUP.simulator().requests()).noneMatch(r -> r.method().equals("DELETE") && r.path().contains("/snapshots/801"));

        assertProblem(SETUP.platform().send("DELETE", "/api/v1/servers/12345/restore-hold/", RunningPlatform.OTHER_TOKEN, null),
                404, "SERVER_NOT_FOUND");
        Answer released = SETUP.platform().send("DELETE", "/api/v1/servers/12345/restore-hold/", RunningPlatform.DEMO_TOKEN, null,
                Map.of("X-Request-Id", "hold-release"));

        assertThat(released.status()).isEqualTo(200);
        assertThat(released.body()).containsEntry("id", operation).containsEntry("state", "released")
                .containsEntry("final", true).containsEntry("operation", "restore_snapshot");
        assertThat(audit("hold-release")).extracting(e -> e.outcome().kind())
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED);
        assertThat(audit("hold-release")).allSatisfy(e -> {
            assertThat(e.operation()).isEqualTo(Operation.RELEASE_RESTORE_HOLD);
            assertThat(e.detail()).containsEntry(AuditEvent.RESTORE_OPERATION_ID, operation);
        });
        assertThat(audit("hold-restore").getLast().outcome()).isInstanceOfSatisfying(Outcome.Unverifiable.class,
                u -> assertThat(u.reason()).isEqualTo(ReasonCode.RESTORE_HOLD_RELEASED));
        assertThat(SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/", RunningPlatform.DEMO_TOKEN, null)
                .get("state")).isEqualTo("released");

        Answer idle = SETUP.platform().send("GET", "/api/v1/servers/12345/", RunningPlatform.DEMO_TOKEN, null);
        assertThat(idle.body()).containsEntry("status", "unknown");
        assertThat(holdOf(idle)).isNull();
        assertProblem(SETUP.platform().send("DELETE", "/api/v1/servers/12345/restore-hold/", RunningPlatform.DEMO_TOKEN, null),
                409, "NO_RESTORE_HOLD");
        assertThat(SETUP.platform().send("DELETE", "/api/v1/snapshots/801/", RunningPlatform.DEMO_TOKEN, null).status()).isEqualTo(204);
    }

    @Test
    void aBackupOfOneServerRestoringAnotherIsKeptUntilThatHoldIsReleased() {
        Answer restored = SETUP.platform().send("POST", "/api/v1/servers/23456/restore/", RunningPlatform.DEMO_TOKEN,
                "{\"backup_id\": 499}");
        assertThat(restored.status()).isEqualTo(200);

        assertThat(holdOf(SETUP.platform().send("GET", "/api/v1/servers/23456/", RunningPlatform.DEMO_TOKEN, null)))
                .containsEntry("operation_id", restored.header("X-Operation-Id"))
                .containsEntry("source", Map.of("type", "backup", "id", 499, "server_id", 12345));
        assertProblem(SETUP.platform().send("DELETE", "/api/v1/backups/499/", RunningPlatform.DEMO_TOKEN, null),
                409, "RECOVERY_POINT_IN_USE");

        assertThat(SETUP.platform().send("DELETE", "/api/v1/servers/23456/restore-hold/", RunningPlatform.DEMO_TOKEN, null)
                .status()).isEqualTo(200);
        assertThat(SETUP.platform().send("DELETE", "/api/v1/backups/499/", RunningPlatform.DEMO_TOKEN, null).status()).isEqualTo(204);
    }
}
