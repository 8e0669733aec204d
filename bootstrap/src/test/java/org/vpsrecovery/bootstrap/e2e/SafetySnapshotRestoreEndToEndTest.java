package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.simulator.RecordedRequest;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Issue 14 item 6 over HTTP (ADR 0029): for a team whose safety-snapshot setting is on, a restore
 * answers 202 with its operation awaiting_safety_snapshot; the server's current state is snapshotted
 * at VPS.org (the simulator completes it 3 s later), the tracker sees it completed, the
 * continue-restores job then asks VPS.org for the restore, and the operation ends at its window unverifiable (never
 * completed: VPS.org shows nothing of a server, session 49), every
 * step audited in order. The jobs run as the service runs them: db-scheduler on the real PostgreSQL.
 */
class SafetySnapshotRestoreEndToEndTest {

    // Snapshots complete 3 s after they are made; a restore keeps its server restoring 1 s.
    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withDelays(Duration.ofSeconds(3), Duration.ofSeconds(1)),
            PlatformOnSimulator.with(PlatformOnSimulator.QUICK_TRACKING, Map.of(
                    "vpsr.teams.demo.safety-snapshot", "true",
                    "vpsr.jobs.polling-interval", "500ms",
                    "vpsr.restores.continue-every", "500ms", "vpsr.restore-window", "2s")));

    private static List<String> trail(String requestId) {
        return SETUP.platform().auditOf(requestId).stream().map(RecordedAuditEvent::event)
                .map(e -> e.operation() + " " + e.outcome().kind()).toList();
    }

    @Test
    void aRestoreSnapshotsTheServerFirstThenRestoresOnceThatCompletes() {
        Answer plan = SETUP.platform().send("POST", "/api/v1/snapshots/801/restore/?dry_run=true", RunningPlatform.DEMO_TOKEN, null);
        assertThat(plan.status()).isEqualTo(200);
        assertThat(plan.get("safety_snapshot")).isEqualTo(Map.of("server_id", 12345, "name_prefix", "vpsr-safety-",
                "allowed", true));
        SETUP.simulator().clearRequests();

        Answer accepted = SETUP.platform().send("POST", "/api/v1/snapshots/801/restore/", RunningPlatform.DEMO_TOKEN, null,
                Map.of("X-Request-Id", "safety-restore"));

        assertThat(accepted.status()).isEqualTo(202);
        String operation = accepted.header("X-Operation-Id");
        assertThat(accepted.body()).containsEntry("id", operation).containsEntry("state", "awaiting_safety_snapshot")
                .containsEntry("final", false).containsEntry("operation", "restore_snapshot");
        assertThat(SETUP.simulator().requests()).extracting(RecordedRequest::method, RecordedRequest::path)
                .doesNotContain(org.assertj.core.groups.Tuple.tuple("POST", "/api/v1/snapshots/801/restore/"));

        Answer waited = SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/?wait=30", RunningPlatform.DEMO_TOKEN, null);
        // Each wait answers when the operation is final, or after 30 s as it stands; a few suffice.
        for (int round = 0; round < 4 && !Boolean.TRUE.equals(waited.get("final")); round++) {
            waited = SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/?wait=30", RunningPlatform.DEMO_TOKEN, null);
        }
        // The window's end is no evidence that the restore finished: unverifiable (ADR 0024, amended in session 49).
        assertThat(waited.get("state")).isEqualTo("timed_out");

        // At VPS.org: the snapshot was made before the restore was asked for.
        List<String> mutations = SETUP.simulator().requests().stream().filter(r -> r.method().equals("POST"))
                .map(RecordedRequest::path).toList();
        assertThat(mutations).containsExactly("/api/v1/snapshots/", "/api/v1/snapshots/801/restore/");
        Answer snapshots = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", RunningPlatform.DEMO_TOKEN, null);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listed = (List<Map<String, Object>>) snapshots.get("results");
        assertThat(listed).filteredOn(s -> s.get("name").equals("vpsr-safety-" + operation))
                .singleElement().satisfies(s -> assertThat(s.get("status")).isEqualTo("completed"));

        assertThat(trail("safety-restore")).containsExactly(
                "RESTORE_SNAPSHOT ACCEPTED",
                "CREATE_SNAPSHOT ACCEPTED", "CREATE_SNAPSHOT SUBMITTED", "CREATE_SNAPSHOT COMPLETED",
                "RESTORE_SNAPSHOT SUBMITTED", "RESTORE_SNAPSHOT UNVERIFIABLE");
        assertThat(SETUP.platform().auditOf("safety-restore").getFirst().event().detail())
                .containsEntry(AuditEvent.SAFETY_SNAPSHOT, "pending")
                .containsEntry(AuditEvent.ATTEMPT_ID, operation);

        // Skipped on purpose: answered at once, VPS.org-shaped, and the skip is in the restore's events.
        Answer skipped = SETUP.platform().send("POST", "/api/v1/snapshots/801/restore/?skip_safety_snapshot=true",
                RunningPlatform.DEMO_TOKEN, null, Map.of("X-Request-Id", "safety-skipped"));
        assertThat(skipped.status()).isEqualTo(200);
        assertThat(trail("safety-skipped")).containsExactly("RESTORE_SNAPSHOT ACCEPTED", "RESTORE_SNAPSHOT SUBMITTED");
        assertThat(SETUP.platform().auditOf("safety-skipped")).allSatisfy(e -> assertThat(e.event().detail())
                .containsEntry(AuditEvent.SAFETY_SNAPSHOT, "skipped"));
    }
}
