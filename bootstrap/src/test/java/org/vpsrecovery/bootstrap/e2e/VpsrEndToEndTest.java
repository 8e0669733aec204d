package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.VpsrCommands.Run;
import org.vpsrecovery.cli.ExitCodes;
import org.vpsrecovery.simulator.CreationOutcome;
import org.vpsrecovery.simulator.ForcedOutcome;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * vpsr's commands against the whole service on loopback (real PostgreSQL, the VPS.org simulator):
 * what a script reads on stdout, the reason codes on stderr and the exit codes it may rely on.
 * Ordered: later tests change the demo server (a snapshot made and deleted, the limit, a restore).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VpsrEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withDelays(Duration.ofSeconds(2), Duration.ofSeconds(1)),
            PlatformOnSimulator.with(PlatformOnSimulator.QUICK_TRACKING, Map.of("vpsr.jobs.polling-interval", "500ms")));

    static VpsrCommands vpsr;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEMO = RunningPlatform.DEMO_TOKEN;

    @BeforeAll
    static void start() {
        vpsr = VpsrCommands.against(SETUP.platform());
    }

    @Test
    @Order(1)
    void listsAsATableAsJsonAndAsCsv() throws Exception {
        Run table = vpsr.run(DEMO, "snapshots", "list", "--server-id", "12345");
        assertThat(table.exitCode()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.getFirst()).startsWith("ID").contains("SERVER.ID").contains("NAME").contains("STATUS");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("801").contains("12345").contains("completed"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("798"));

        Run json = vpsr.run(DEMO, "-o", "json", "backups", "list");
        assertThat(json.exitCode()).isZero();
        JsonNode answer = JSON.readTree(json.out());
        assertThat(answer.path("results").findValuesAsText("backup_type")).contains("manual", "automatic");
        assertThat(answer.path("count").asInt()).isEqualTo(3);

        Run csv = vpsr.run(DEMO, "backups", "list", "--type", "automatic", "-o", "csv");
        assertThat(csv.exitCode()).isZero();
        List<String> rows = csv.out().lines().toList();
        assertThat(rows.getFirst()).startsWith("id,server.id,backup_type,status,size_mb,created_at,expires_at,description");
        assertThat(rows).hasSize(3).allSatisfy(row -> assertThat(row).doesNotContain(",manual,"));

        // A type VPS.org lists without documenting it is asked for as any other; the service judges the word.
        Run undocumented = vpsr.run(DEMO, "-o", "json", "backups", "list", "--type", "weekly");
        assertThat(undocumented.exitCode()).isZero();
        assertThat(JSON.readTree(undocumented.out()).path("count").asInt()).isZero();
        Run notAWord = vpsr.run(DEMO, "backups", "list", "--type", "Weekly Backups");
        assertThat(notAWord.exitCode()).isNotZero();
        assertThat(notAWord.err()).contains("backup_type");

        Run one = vpsr.run(DEMO, "snapshots", "get", "801");
        assertThat(one.exitCode()).isZero();
        assertThat(one.out()).contains("server.id").contains("12345");

        Run server = vpsr.run(DEMO, "-o", "json", "servers", "show", "12345");
        assertThat(server.exitCode()).isZero();
        assertThat(JSON.readTree(server.out()).path("id").asLong()).isEqualTo(12345);
    }

    @Test
    @Order(2)
    void refusalsEndWithTheirExitCodeAndReasonCodeOnStderr() {
        Run missing = vpsr.run(DEMO, "snapshots", "get", "999999");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).contains("(404)").contains("request id: ");
        assertThat(missing.out()).isEmpty();

        Run anotherTeams = vpsr.run(RunningPlatform.OTHER_TOKEN, "snapshots", "get", "801");
        assertThat(anotherTeams.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);

        Run wrongToken = vpsr.run("not-a-token", "snapshots", "list");
        assertThat(wrongToken.exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(wrongToken.err()).contains("UNAUTHORIZED (401)").doesNotContain("not-a-token");

        Run auditorChanging = vpsr.run(RunningPlatform.AUDITOR_TOKEN, "snapshots", "list");
        assertThat(auditorChanging.exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(auditorChanging.err()).contains("FORBIDDEN_FOR_ROLE (403)");

        Run badFilter = vpsr.run(DEMO, "operations", "list", "--state", "sleeping");
        assertThat(badFilter.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badFilter.err()).contains("INVALID_QUERY_PARAMETER (400)");
    }

    @Test
    @Order(3)
    void createWaitsForTheOperationWithPlainProgressLinesOffATerminal() throws Exception {
        Run created = vpsr.run(DEMO, "-o", "json", "snapshots", "create", "--server-id", "12345",
                "--name", "before-deploy", "--description", "from vpsr", "--wait");
        assertThat(created.exitCode()).as(created.err()).isZero();
        JsonNode snapshot = JSON.readTree(created.out());
        assertThat(snapshot.path("name").asText()).isEqualTo("before-deploy");
        List<String> progress = created.err().lines().toList();
        assertThat(created.err()).doesNotContain("\r");
        assertThat(progress.getLast()).contains("create_snapshot").endsWith(": completed");
        String operationId = progress.getLast().replaceAll(".*\\[(.+)].*", "$1");

        Run operation = vpsr.run(DEMO, "-o", "json", "operations", "get", operationId);
        assertThat(JSON.readTree(operation.out()).path("state").asText()).isEqualTo("completed");
        Run listed = vpsr.run(DEMO, "operations", "list", "--server-id", "12345", "--state", "completed");
        assertThat(listed.out()).contains(operationId);
        Run waited = vpsr.run(DEMO, "operations", "wait", operationId);
        assertThat(waited.exitCode()).isZero();
        assertThat(waited.out()).contains("completed");

        Run deleted = vpsr.run(DEMO, "snapshots", "delete", snapshot.path("id").asText(), "--wait");
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("deleted");
        assertThat(deleted.err().lines().toList().getLast()).contains("delete_snapshot").endsWith(": completed");
        assertThat(vpsr.run(DEMO, "snapshots", "get", snapshot.path("id").asText()).exitCode())
                .isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    @Order(4)
    void aBackupThatFailsAtVpsOrgEndsTheWaitWithExitSix() {
        SETUP.simulator().lifecycle().force(ForcedOutcome.of(CreationOutcome.FAILED).forBackups().times(1));
        try {
            Run failed = vpsr.run(DEMO, "backups", "create", "--server-id", "12345", "--description", "doomed", "--wait");
            assertThat(failed.exitCode()).as(failed.err()).isEqualTo(ExitCodes.OPERATION_FAILED);
            List<String> progress = failed.err().lines().toList();
            assertThat(progress).anySatisfy(line -> assertThat(line).contains("create_manual_backup").endsWith(": failed"));
            assertThat(progress.getLast()).startsWith("vpsr: operation ").contains(" ended failed");
        } finally {
            SETUP.simulator().lifecycle().clearForced();
        }
    }

    @Test
    @Order(5)
    void theSnapshotLimitIsARefusalWithExitTwo() {
        Run refused = null;
        for (int i = 0; i < 6 && refused == null; i++) {
            Run run = vpsr.run(DEMO, "snapshots", "create", "--server-id", "12345", "--name", "filler-" + i);
            if (run.exitCode() != 0) {
                refused = run;
            }
        }
        assertThat(refused).as("the sixth snapshot of a server is refused").isNotNull();
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).contains("SNAPSHOT_LIMIT_REACHED");
    }

    @Test
    @Order(6)
    void aSecondRestoreWhileTheServerIsHeldIsRefused() {
        Run restored = vpsr.run(DEMO, "backups", "restore", "501");
        assertThat(restored.exitCode()).as(restored.err()).isZero();
        assertThat(restored.out()).contains("restoring");
        assertThat(restored.err()).contains("vpsr operations wait ");

        Run again = vpsr.run(DEMO, "servers", "restore", "12345", "--backup-id", "499");
        assertThat(again.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(again.err()).contains("SERVER_NOT_RESTORABLE");

        Run held = vpsr.run(DEMO, "servers", "show", "12345");
        assertThat(held.out()).contains("restoring");
    }

    @Test
    @Order(7)
    void theAuditReportsReadTheHistoryTheCommandsWrote() throws Exception {
        Run events = vpsr.run(DEMO, "audit", "events", "--operation", "create_snapshot", "--outcome", "rejected");
        assertThat(events.exitCode()).isZero();
        assertThat(events.out().lines().toList().getFirst()).startsWith("SEQUENCE");
        assertThat(events.out()).contains("SNAPSHOT_LIMIT_REACHED");

        Run export = vpsr.run(DEMO, "audit", "export", "--server-id", "12345");
        assertThat(export.exitCode()).isZero();
        // A full disk under the export is an exit of its own, never 0 with a file cut short.
        Run cutShort = vpsr.run(DEMO, new java.io.Writer() {
            private int written;

            @Override
            public void write(char[] text, int offset, int length) throws java.io.IOException {
                written += length;
                if (written > 200) {
                    throw new java.io.IOException("No space left on device");
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        }, "audit", "export", "--server-id", "12345");
        assertThat(cutShort.exitCode()).as(cutShort.err()).isEqualTo(10);
        assertThat(cutShort.err()).contains("could not be written whole");
        assertThat(export.out().lines().toList().getFirst()).contains("sequence").contains("reason_code");
        assertThat(export.out()).contains("DELETE_SNAPSHOT,12345,SNAPSHOT");

        Run verified = vpsr.run(RunningPlatform.AUDITOR_TOKEN, "-o", "json", "audit", "verify");
        assertThat(verified.exitCode()).as(verified.err()).isZero();
        assertThat(JSON.readTree(verified.out()).path("intact").asBoolean()).isTrue();

        Run summary = vpsr.run(DEMO, "audit", "summary");
        assertThat(summary.exitCode()).isZero();
        assertThat(summary.out()).contains("counts:").contains("top_rejection_reasons:").contains("SNAPSHOT_LIMIT_REACHED");

        Run recoverability = vpsr.run(DEMO, "-o", "csv", "audit", "recoverability");
        assertThat(recoverability.exitCode()).isZero();
        assertThat(recoverability.out()).contains("generated_at");
        Run recoverabilityTable = vpsr.run(DEMO, "audit", "recoverability", "--expiring-within-days", "30");
        assertThat(recoverabilityTable.out()).contains("servers:").contains("12345");
    }

    @Test
    @Order(8)
    void policiesAreCreatedReadUpdatedWithTheirVersionPlannedAndDeleted() throws Exception {
        Run bad = vpsr.run(DEMO, "policies", "create", "--kind", "snapshot", "--server-id", "12345", "--cron", "61 * * * *",
                "--time-zone", "UTC", "--name-template", "nightly-{server_id}-{date}", "--keep-last", "2");
        assertThat(bad.exitCode()).as(bad.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("INVALID_SCHEDULE (400)");

        String[] create = {"-o", "json", "policies", "create", "--kind", "snapshot", "--server-id", "12345",
                "--cron", "0 3 * * *", "--time-zone", "Europe/Berlin", "--name-template", "nightly-{server_id}-{date}",
                "--keep-last", "2", "--keep-daily", "7", "--idempotency-key", "nightly-policy"};
        Run created = vpsr.run(DEMO, create);
        assertThat(created.exitCode()).as(created.err()).isZero();
        JsonNode policy = JSON.readTree(created.out());
        String id = policy.path("id").asText();
        // A pipeline's retry with its key gets the first answer: one policy, not two.
        Run repeated = vpsr.run(DEMO, create);
        assertThat(repeated.exitCode()).as(repeated.err()).isZero();
        assertThat(JSON.readTree(repeated.out()).path("id").asText()).isEqualTo(id);
        assertThat(policy.path("version").asLong()).isEqualTo(1);
        assertThat(policy.path("server_ids").get(0).asLong()).isEqualTo(12345);
        assertThat(policy.path("keep_daily").asInt()).isEqualTo(7);

        Run listed = vpsr.run(DEMO, "policies", "list");
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out().lines().toList().getFirst()).startsWith("ID").contains("VERSION").contains("CRON");
        assertThat(listed.out()).contains(id).contains("0 3 * * *").contains("Europe/Berlin");
        assertThat(listed.out().lines().filter(line -> line.contains("nightly-{server_id}-{date}"))).hasSize(1);
        assertThat(vpsr.run(RunningPlatform.OTHER_TOKEN, "policies", "get", id).exitCode()).isEqualTo(ExitCodes.NOT_FOUND);

        // Only the fields given change; If-Match is the version read, or the one named.
        String[] update = {"-o", "json", "policies", "update", id, "--keep-last", "3", "--all-servers",
                "--idempotency-key", "keep-three"};
        Run updated = vpsr.run(DEMO, update);
        assertThat(updated.exitCode()).as(updated.err()).isZero();
        JsonNode second = JSON.readTree(updated.out());
        assertThat(second.path("version").asLong()).isEqualTo(2);
        // A pipeline's rerun with its key reads version 2 for If-Match, and still gets the first answer (was 422).
        Run rerun = vpsr.run(DEMO, update);
        assertThat(rerun.exitCode()).as(rerun.err()).isZero();
        assertThat(JSON.readTree(rerun.out()).path("version").asLong()).isEqualTo(2);
        assertThat(second.path("keep_last").asInt()).isEqualTo(3);
        assertThat(second.path("keep_daily").asInt()).isEqualTo(7);
        assertThat(second.path("all_servers").asBoolean()).isTrue();
        assertThat(second.path("cron").asText()).isEqualTo("0 3 * * *");
        Run stale = vpsr.run(DEMO, "policies", "update", id, "--if-version", "1", "--keep-last", "4");
        assertThat(stale.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(stale.err()).contains("POLICY_VERSION_CONFLICT (412)");
        Run current = vpsr.run(DEMO, "policies", "update", id, "--if-version", "2", "--keep-weekly", "4");
        assertThat(current.exitCode()).as(current.err()).isZero();
        assertThat(current.out()).contains("keep_weekly").containsPattern("version\\s+3");

        Run plan = vpsr.run(DEMO, "-o", "json", "policies", "plan", id, "--runs", "3");
        assertThat(plan.exitCode()).as(plan.err()).isZero();
        JsonNode planned = JSON.readTree(plan.out());
        assertThat(planned.path("next_runs")).hasSize(3);
        assertThat(planned.path("servers").get(0).path("points").findValuesAsText("id")).contains("801", "798");
        Run planTable = vpsr.run(DEMO, "policies", "plan", id);
        assertThat(planTable.out()).contains("next_runs:").contains("points:").contains("VERDICT").contains("made_by_person");
        Run planCsv = vpsr.run(DEMO, "-o", "csv", "policies", "plan", id);
        assertThat(planCsv.out().lines().toList().getFirst()).startsWith("server_id,type,id,name,status,created_at,made_by");
        assertThat(planCsv.out()).contains("12345,snapshot,801,");

        Run staleDelete = vpsr.run(DEMO, "policies", "delete", id, "--if-version", "2");
        assertThat(staleDelete.exitCode()).isEqualTo(ExitCodes.REFUSED);
        Run deleted = vpsr.run(DEMO, "policies", "delete", id, "--if-version", "3");
        assertThat(deleted.exitCode()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("deleted");
        assertThat(vpsr.run(DEMO, "policies", "get", id).exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    @Order(9)
    void holdsArePlacedListedAndReleasedAndAHeldSnapshotIsNotDeleted() throws Exception {
        String[] place = {"-o", "json", "holds", "place", "--snapshot", "798", "--reason", "kept for the audit",
                "--idempotency-key", "audit-hold-798"};
        Run placed = vpsr.run(DEMO, place);
        assertThat(placed.exitCode()).as(placed.err()).isZero();
        JsonNode hold = JSON.readTree(placed.out());
        assertThat(hold.path("active").asBoolean()).isTrue();
        assertThat(hold.path("kind").asText()).isEqualTo("team");
        String holdId = hold.path("id").asText();
        // Repeated with its key: the first answer, and still one hold.
        Run repeated = vpsr.run(DEMO, place);
        assertThat(repeated.exitCode()).as(repeated.err()).isZero();
        assertThat(JSON.readTree(repeated.out()).path("id").asText()).isEqualTo(holdId);

        Run listed = vpsr.run(DEMO, "holds", "list", "--snapshot", "798");
        assertThat(listed.out().lines().toList().getFirst()).startsWith("ID").contains("ACTIVE").contains("REASON");
        assertThat(listed.out()).contains(holdId).contains("kept for the audit");
        assertThat(listed.out().lines().filter(line -> line.contains("kept for the audit"))).hasSize(1);
        assertThat(vpsr.run(DEMO, "holds", "list", "--backup", "499").out()).contains("(none)");
        assertThat(vpsr.run(RunningPlatform.OTHER_TOKEN, "holds", "list", "--snapshot", "798").exitCode())
                .isEqualTo(ExitCodes.NOT_FOUND);

        Run refused = vpsr.run(DEMO, "snapshots", "delete", "798");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.REFUSED);

        Run released = vpsr.run(DEMO, "-o", "json", "holds", "release", holdId, "--snapshot", "798");
        assertThat(released.exitCode()).as(released.err()).isZero();
        assertThat(JSON.readTree(released.out()).path("active").asBoolean()).isFalse();
        assertThat(vpsr.run(DEMO, "-o", "csv", "holds", "list", "--snapshot", "798").out()).contains(holdId + ",false,team");
        assertThat(vpsr.run(DEMO, "holds", "release", holdId, "--snapshot", "798").exitCode()).isNotZero();
    }

    @Test
    @Order(10)
    void aWaitGivesUpAtItsTimeoutWithExitNineAndTheOperationGoesOn() throws Exception {
        // Order 6's restore holds 12345 for the backup restore window (60 minutes): it is not final within seconds.
        Run open = vpsr.run(DEMO, "-o", "json", "operations", "list", "--server-id", "12345");
        String restoreId = null;
        for (JsonNode operation : JSON.readTree(open.out()).path("results")) {
            if (operation.path("operation").asText().startsWith("restore") && !operation.path("final").asBoolean()) {
                restoreId = operation.path("id").asText();
            }
        }
        assertThat(restoreId).as(open.out()).isNotNull();

        Run waited = vpsr.run(DEMO, "operations", "wait", restoreId, "--timeout", "1");
        assertThat(waited.exitCode()).as(waited.err()).isEqualTo(ExitCodes.WAIT_TIMED_OUT);
        assertThat(waited.err()).contains("gave up waiting after 1 s").contains("vpsr operations wait " + restoreId);
        assertThat(waited.out()).contains(restoreId);
        assertThat(vpsr.run(DEMO, "servers", "restore", "12345", "--backup-id", "499", "--wait", "--timeout", "0").exitCode())
                .isEqualTo(ExitCodes.USAGE);
    }

    /**
     * Order 6's restore still holds 12345 (its window is an hour): {@code servers release-hold} ends it early, the
     * restore's operation printed {@code released}; a second release finds no hold, exit 2 (ADR 0039, session 51).
     */
    @Test
    @Order(11)
    void releaseHoldEndsTheRestoresHoldEarly() throws Exception {
        Run released = vpsr.run(DEMO, "-o", "json", "servers", "release-hold", "12345");
        assertThat(released.exitCode()).as(released.err()).isZero();
        JsonNode operation = JSON.readTree(released.out());
        assertThat(operation.path("state").asText()).isEqualTo("released");
        assertThat(operation.path("operation").asText()).startsWith("restore");

        assertThat(vpsr.run(DEMO, "servers", "show", "12345").out()).doesNotContain("restoring");
        Run again = vpsr.run(DEMO, "servers", "release-hold", "12345");
        assertThat(again.exitCode()).as(again.err()).isEqualTo(ExitCodes.REFUSED);
        assertThat(again.err()).contains("NO_RESTORE_HOLD");
    }
}
