package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Issue 14 item 4 (first half) over HTTP, on the real PostgreSQL and the simulator: dry_run=true on
 * both deletes and both restores answers the plan, audited PLANNED, and changes nothing at VPS.org.
 */
class DryRunPlansEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults(),
            Map.of("vpsr.teams.demo.servers", "12345,23456", "vpsr.teams.other-team.servers", "34567"));

    /** What VPS.org holds now, read from the simulator through the platform's own list calls. */
    private static List<Object> resultsOf(String path) {
        @SuppressWarnings("unchecked")
        List<Object> results = (List<Object>) SETUP.platform().send("GET", path, RunningPlatform.DEMO_TOKEN, null).get("results");
        return results;
    }

    private static void assertNothingChangedAtVpsOrg(List<Object> snapshotsBefore, List<Object> backupsBefore) {
        assertThat(SETUP.simulator().requests()).noneMatch(r -> !r.method().equals("GET"));
        assertThat(resultsOf("/api/v1/snapshots/")).isEqualTo(snapshotsBefore);
        assertThat(resultsOf("/api/v1/backups/")).isEqualTo(backupsBefore);
        assertThat(SETUP.platform().send("GET", "/api/v1/servers/12345/", RunningPlatform.DEMO_TOKEN, null).get("status")).isEqualTo("unknown");
    }

    @Test
    void everyDryRunAnswersItsPlanAuditedAsAPlanAndVpsOrgIsAskedToChangeNothing() {
        List<Object> snapshots = resultsOf("/api/v1/snapshots/");
        List<Object> backups = resultsOf("/api/v1/backups/");
        SETUP.simulator().clearRequests();

        Answer delete = SETUP.platform().send("DELETE", "/api/v1/snapshots/801/?dry_run=true", RunningPlatform.DEMO_TOKEN, null,
                Map.of("X-Request-Id", "plan-delete"));
        assertThat(delete.status()).isEqualTo(200);
        assertThat(delete.body()).containsEntry("dry_run", true).containsEntry("action", "delete_snapshot")
                .containsEntry("allowed", true).containsEntry("server_id", 12345).containsEntry("safety_snapshot", null)
                .containsEntry("effects", List.of(Map.of("effect", "delete", "server_id", 12345,
                        "recovery_point", Map.of("type", "snapshot", "id", 801, "server_id", 12345))));
        assertThat(((List<?>) delete.get("verdicts")).stream().map(v -> (Object) ((Map<?, ?>) v).get("policy")).toList())
                .containsExactly("SnapshotDeletionPolicy", "RecoveryPointHeldPolicy");
        assertThat(SETUP.platform().auditOf("plan-delete")).singleElement().satisfies(e -> {
            assertThat(e.event().operation()).isEqualTo(Operation.DELETE_SNAPSHOT);
            assertThat(e.event().outcome()).isEqualTo(new Outcome.Planned());
        });

        Answer restore = SETUP.platform().send("POST", "/api/v1/snapshots/801/restore/?dry_run=true", RunningPlatform.DEMO_TOKEN, null);
        assertThat(restore.status()).isEqualTo(200);
        assertThat(restore.body()).containsEntry("action", "restore_snapshot").containsEntry("allowed", true);
        assertThat(restore.header("X-Operation-Id")).isNull();

        Answer elsewhere = SETUP.platform().send("POST", "/api/v1/servers/23456/restore/?dry_run=true", RunningPlatform.DEMO_TOKEN,
                "{\"backup_id\": 499}");
        assertThat(elsewhere.body()).containsEntry("action", "restore_server_from_backup").containsEntry("server_id", 23456)
                .containsEntry("effects", List.of(Map.of("effect", "overwrite", "server_id", 23456,
                        "recovery_point", Map.of("type", "backup", "id", 499, "server_id", 12345))));
        assertThat(SETUP.platform().send("DELETE", "/api/v1/backups/499/?dry_run=true", RunningPlatform.DEMO_TOKEN, null)
                .get("allowed")).isEqualTo(true);

        assertNothingChangedAtVpsOrg(snapshots, backups);
    }

    @Test
    void aDryRunOfARefusedActionAnswers200WithTheRefusalInThePlan() {
        Answer hold = SETUP.platform().send("POST", "/api/v1/backups/495/holds/", RunningPlatform.DEMO_TOKEN, "{\"reason\": \"audit\"}");
        assertThat(hold.status()).isEqualTo(201);
        List<Object> snapshots = resultsOf("/api/v1/snapshots/");
        List<Object> backups = resultsOf("/api/v1/backups/");
        SETUP.simulator().clearRequests();

        Answer refused = SETUP.platform().send("DELETE", "/api/v1/backups/495/?dry_run=true", RunningPlatform.DEMO_TOKEN, null,
                Map.of("X-Request-Id", "plan-refused"));
        assertThat(refused.status()).isEqualTo(200);
        assertThat(refused.contentType()).startsWith("application/json");
        assertThat(refused.body()).containsEntry("allowed", false);
        assertThat(refused.get("verdicts")).asInstanceOf(InstanceOfAssertFactories.LIST).contains(Map.of("policy", "RecoveryPointHeldPolicy",
                "allowed", false, "reason_code", "RECOVERY_POINT_HELD",
                "detail", "backup 495 is held (" + hold.get("id") + " (team)); it can be deleted once every hold on it is released"));
        assertThat(SETUP.platform().auditOf("plan-refused")).singleElement().satisfies(e -> {
            assertThat(e.event().outcome()).isEqualTo(new Outcome.Planned());
            assertThat(e.event().detail()).containsEntry(AuditEvent.PLAN_ALLOWED, "false")
                    .containsEntry(AuditEvent.PLAN_REFUSED_BY, "RecoveryPointHeldPolicy RECOVERY_POINT_HELD");
        });
        assertNothingChangedAtVpsOrg(snapshots, backups);
    }

    @Test
    void aDryRunIsRefusedLikeTheCallForWhatTheTeamMayNotSeeOrForABadFlag() {
        Answer other = SETUP.platform().send("DELETE", "/api/v1/snapshots/801/?dry_run=true", RunningPlatform.OTHER_TOKEN, null);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.get("reason_code")).isEqualTo("SNAPSHOT_NOT_FOUND");
        Answer bad = SETUP.platform().send("DELETE", "/api/v1/snapshots/801/?dry_run=yes", RunningPlatform.DEMO_TOKEN, null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.get("reason_code")).isEqualTo("INVALID_QUERY_PARAMETER");
        assertThat(SETUP.platform().send("DELETE", "/api/v1/snapshots/801/?dry_run=true&dry_run=false", RunningPlatform.DEMO_TOKEN, null)
                .status()).isEqualTo(400);
    }
}
