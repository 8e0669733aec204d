package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.AUDITOR_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.OTHER_TOKEN;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.cli.ExitCodes;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.simulator.RecordedRequest;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Two-person approval (issue 15 item 2, ADR 0040) over HTTP, against PostgreSQL, the simulator and people's
 * JWTs checked against a JWKS on loopback. The demo team's restores and deletes wait for a second person
 * (1 h); the other team's deletes wait 2 s, then expire. The jobs (tracking, settle-approvals) run as the
 * service runs them. The last test fills a server to its snapshot limit, so it runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoPersonApprovalEndToEndTest {

    @RegisterExtension
    static final PlatformWithIdentityProvider SETUP = new PlatformWithIdentityProvider(
            SimulatorOptions.defaults().withDelays(Duration.ofMillis(300), Duration.ofMillis(300)),
            PlatformWithIdentityProvider.with(PlatformWithIdentityProvider.QUICK_APPROVALS, Map.ofEntries(
                    Map.entry("vpsr.teams.demo.approval-required", "restore,delete"),
                    Map.entry("vpsr.teams.demo.safety-snapshot", "true"),
                    Map.entry("vpsr.teams.other-team.approval-required", "delete"),
                    Map.entry("vpsr.jobs.polling-interval", "300ms"))));

    private static String person(String subject, String team) {
        return SETUP.idp().member(subject, team);
    }

    private static boolean deleteAsked(long snapshot) {
        return SETUP.simulator().requests().stream().anyMatch(r -> r.method().equals("DELETE")
                && r.path().matches("/api/v1/snapshots/" + snapshot + "/?"));
    }

    private static Answer decide(String operation, String token, String decision, String requestId) {
        return SETUP.platform().send("POST", "/api/v1/operations/" + operation + "/approval/", token,
                "{\"decision\": \"" + decision + "\", \"reason\": \"checked the change ticket\"}",
                Map.of("X-Request-Id", requestId));
    }

    private static Answer finalState(String operation, String token) {
        Answer read = SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/?wait=20", token, null);
        for (int round = 0; round < 3 && !Boolean.TRUE.equals(read.get("final")); round++) {
            read = SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/?wait=20", token, null);
        }
        return read;
    }

    /** The ids of the demo team's operations, newest first. */
    @SuppressWarnings("unchecked")
    private static List<Object> operationIds() {
        return ((List<Map<String, Object>>) SETUP.platform().send("GET", "/api/v1/operations/", DEMO_TOKEN, null).get("results"))
                .stream().map(o -> o.get("id")).toList();
    }

    /** The approval steps about {@code operation}, oldest first. */
    private static List<AuditEvent> approvalSteps(String operation) {
        return SETUP.platform().audit().query(AuditQuery.latest(500)).stream().map(RecordedAuditEvent::event)
                .filter(e -> operation.equals(e.detail().get(AuditEvent.APPROVAL_OF))).toList().reversed();
    }

    @Test
    @Order(1)
    void aDeleteWaitsForASecondPersonAndRunsAtVpsOrgOnceApproved() throws Exception {
        long snapshot = SETUP.platform().completedSnapshot(DEMO_TOKEN, 12345, "approve-me");
        String alice = person("alice@example.com", "demo");

        Answer asked = SETUP.platform().send("DELETE", "/api/v1/snapshots/" + snapshot + "/", alice, null,
                Map.of("Idempotency-Key", "approval-delete-1", "X-Request-Id", "approval-asked"));

        assertThat(asked.status()).isEqualTo(202);
        String operation = asked.header("X-Operation-Id");
        assertThat(asked.body()).containsEntry("id", operation).containsEntry("state", "pending_approval")
                .containsEntry("final", false).containsEntry("operation", "delete_snapshot");
        @SuppressWarnings("unchecked")
        Map<String, Object> approval = (Map<String, Object>) asked.get("approval");
        assertThat(approval.get("requested_by")).isEqualTo(Map.of("subject", "alice@example.com", "authentication", "jwt"));
        assertThat(approval).containsKey("expires_at").doesNotContainKey("decision");
        assertThat(deleteAsked(snapshot)).isFalse();
        // The same key replays the same 202, and asks for nothing twice.
        Answer replayed = SETUP.platform().send("DELETE", "/api/v1/snapshots/" + snapshot + "/", alice, null,
                Map.of("Idempotency-Key", "approval-delete-1"));
        assertThat(replayed.status()).isEqualTo(202);
        assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replayed.header("X-Operation-Id")).isEqualTo(operation);
        assertThat(replayed.body()).isEqualTo(asked.body());
        Answer listed = SETUP.platform().send("GET", "/api/v1/operations/?state=pending_approval", alice, null);
        assertThat(listed.body().get("results").toString()).contains(operation);

        // Not the requester, not a service token, not an auditor, not another team.
        Answer self = decide(operation, alice, "approve", "approval-self");
        assertThat(self.status()).isEqualTo(403);
        assertThat(self.get("reason_code")).isEqualTo("SELF_APPROVAL_REFUSED");
        Answer service = decide(operation, DEMO_TOKEN, "approve", "approval-service");
        assertThat(service.status()).isEqualTo(403);
        assertThat(service.get("reason_code")).isEqualTo("APPROVER_NOT_A_PERSON");
        Answer auditor = decide(operation, AUDITOR_TOKEN, "approve", "approval-auditor");
        assertThat(auditor.status()).isEqualTo(403);
        assertThat(auditor.get("reason_code")).isEqualTo("FORBIDDEN_FOR_ROLE");
        Answer stranger = decide(operation, person("erin@example.com", "other-team"), "approve", "approval-stranger");
        assertThat(stranger.status()).isEqualTo(404);
        assertThat(stranger.get("reason_code")).isEqualTo("OPERATION_NOT_FOUND");
        assertThat(deleteAsked(snapshot)).isFalse();

        // Two people approve at once: one wins, the other is told it was decided.
        CountDownLatch go = new CountDownLatch(1);
        CompletableFuture<Answer> bob = CompletableFuture.supplyAsync(() -> {
            awaitStart(go);
            return decide(operation, person("bob@example.com", "demo"), "approve", "approval-bob");
        });
        CompletableFuture<Answer> dave = CompletableFuture.supplyAsync(() -> {
            awaitStart(go);
            return decide(operation, person("dave@example.com", "demo"), "approve", "approval-dave");
        });
        go.countDown();
        List<Answer> decisions = List.of(bob.get(), dave.get());
        assertThat(decisions).extracting(Answer::status).containsExactlyInAnyOrder(200, 409);
        Answer lost = decisions.stream().filter(a -> a.status() == 409).findFirst().orElseThrow();
        assertThat(lost.get("reason_code")).isEqualTo("APPROVAL_ALREADY_DECIDED");
        Answer won = decisions.stream().filter(a -> a.status() == 200).findFirst().orElseThrow();
        assertThat(won.get("state")).isNotIn("pending_approval", "approved", "rejected");

        Answer ended = finalState(operation, alice);
        assertThat(ended.get("state")).isEqualTo("completed");
        assertThat(deleteAsked(snapshot)).isTrue();
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/" + snapshot + "/", DEMO_TOKEN, null).status()).isEqualTo(404);

        // Every step audited with its actor; the run's events name the approver and who asked.
        List<AuditEvent> steps = approvalSteps(operation);
        assertThat(steps).extracting(e -> e.operation() + " " + e.outcome().kind()).containsSubsequence(
                "REQUEST_APPROVAL COMPLETED", "APPROVE_OPERATION COMPLETED");
        assertThat(Actor.of(steps.get(0))).map(Actor::subject).contains("alice@example.com");
        assertThat(steps).filteredOn(e -> e.outcome().reasonCode().isPresent()).extracting(e -> e.operation() + " "
                + e.outcome().reasonCode().get()).contains("APPROVE_OPERATION SELF_APPROVAL_REFUSED",
                "APPROVE_OPERATION APPROVER_NOT_A_PERSON", "APPROVE_OPERATION APPROVAL_ALREADY_DECIDED");
        List<AuditEvent> run = SETUP.platform().auditOf("approval-asked").stream().map(RecordedAuditEvent::event)
                .filter(e -> e.operation() == Operation.DELETE_SNAPSHOT).toList();
        assertThat(run).extracting(e -> e.outcome().kind().name()).containsSubsequence("ACCEPTED", "SUBMITTED", "COMPLETED");
        assertThat(run.get(0).detail()).containsEntry(AuditEvent.REQUESTED_BY, "alice@example.com")
                .containsEntry(Actor.AUTHENTICATION, "jwt");
        assertThat(run.get(0).detail().get(Actor.SUBJECT)).isIn("bob@example.com", "dave@example.com");
    }

    @Test
    @Order(2)
    void aDenialEndsItAndVpsOrgIsNeverAsked() {
        long snapshot = SETUP.platform().completedSnapshot(DEMO_TOKEN, 12345, "deny-me");
        // The team's service token cannot ask: its holder could approve their own request with their JWT.
        List<Object> operationsBefore = operationIds();
        Answer byToken = SETUP.platform().send("DELETE", "/api/v1/snapshots/" + snapshot + "/", DEMO_TOKEN, null,
                Map.of("X-Request-Id", "approval-by-token"));
        assertThat(byToken.status()).isEqualTo(403);
        assertThat(byToken.header("Content-Type")).startsWith("application/problem+json");
        assertThat(byToken.get("reason_code")).isEqualTo("APPROVAL_NEEDS_A_PERSON");
        assertThat(byToken.header("X-Operation-Id")).isNull();
        assertThat(SETUP.platform().auditOf("approval-by-token")).extracting(RecordedAuditEvent::event)
                .extracting(e -> e.operation() + " " + e.outcome().kind() + " " + e.outcome().reasonCode().map(Enum::name)
                        .orElse("") + " " + e.detail().get(Actor.AUTHENTICATION))
                .containsExactly("DELETE_SNAPSHOT REJECTED APPROVAL_NEEDS_A_PERSON service-token");
        Answer restoreByToken = SETUP.platform().send("POST", "/api/v1/snapshots/" + snapshot + "/restore/", DEMO_TOKEN, null);
        assertThat(restoreByToken.status()).isEqualTo(403);
        assertThat(restoreByToken.get("reason_code")).isEqualTo("APPROVAL_NEEDS_A_PERSON");
        assertThat(SETUP.simulator().requests()).extracting(RecordedRequest::path)
                .noneMatch(p -> p.matches("/api/v1/snapshots/" + snapshot + "/(restore/)?"));
        assertThat(operationIds()).isEqualTo(operationsBefore);

        String carol = person("carol@example.com", "demo");
        Answer asked = SETUP.platform().send("DELETE", "/api/v1/snapshots/" + snapshot + "/", carol, null);
        assertThat(asked.status()).isEqualTo(202);
        String operation = asked.header("X-Operation-Id");

        Answer denied = decide(operation, person("bob@example.com", "demo"), "deny", "denial-bob");

        assertThat(denied.status()).isEqualTo(200);
        assertThat(denied.body()).containsEntry("state", "denied").containsEntry("final", true);
        @SuppressWarnings("unchecked")
        Map<String, Object> decision = (Map<String, Object>) ((Map<String, Object>) denied.get("approval")).get("decision");
        assertThat(decision).containsEntry("decision", "deny").containsEntry("reason", "checked the change ticket")
                .containsEntry("decided_by", Map.of("subject", "bob@example.com", "authentication", "jwt"));
        Answer late = decide(operation, person("dave@example.com", "demo"), "approve", "denial-dave");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.get("reason_code")).isEqualTo("APPROVAL_ALREADY_DECIDED");
        assertThat(deleteAsked(snapshot)).isFalse();
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/" + snapshot + "/", DEMO_TOKEN, null).status()).isEqualTo(200);
        assertThat(approvalSteps(operation)).extracting(e -> e.operation() + " " + e.outcome().kind()).containsSubsequence(
                "REQUEST_APPROVAL COMPLETED", "DENY_OPERATION COMPLETED");
        // A person asked: their actor is recorded, never the token.
        assertThat(Actor.of(approvalSteps(operation).get(0))).map(Actor::subject).contains("carol@example.com");
    }

    @Test
    @Order(3)
    void noDecisionWithinTheTimeLimitExpiresIt() {
        long snapshot = SETUP.platform().completedSnapshot(OTHER_TOKEN, 23456, "expire-me");
        Answer asked = SETUP.platform().send("DELETE", "/api/v1/snapshots/" + snapshot + "/", person("erin@example.com", "other-team"), null);
        assertThat(asked.status()).isEqualTo(202);
        String operation = asked.header("X-Operation-Id");

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
                "expired".equals(SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/", OTHER_TOKEN, null).get("state")));

        Answer late = decide(operation, person("frank@example.com", "other-team"), "approve", "expired-frank");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.get("reason_code")).isEqualTo("APPROVAL_EXPIRED");
        assertThat(deleteAsked(snapshot)).isFalse();
        List<AuditEvent> steps = approvalSteps(operation);
        assertThat(steps).extracting(e -> e.operation() + " " + e.outcome().kind()).containsSubsequence(
                "REQUEST_APPROVAL COMPLETED", "EXPIRE_APPROVAL COMPLETED");
        assertThat(steps).filteredOn(e -> e.operation() == Operation.EXPIRE_APPROVAL).singleElement()
                .satisfies(e -> assertThat(Actor.of(e)).contains(Actor.SYSTEM));
    }

    @Test
    @Order(5)
    void aLimitReachedBetweenRequestAndApprovalEndsItRejected() {
        Answer asked = SETUP.platform().send("POST", "/api/v1/snapshots/801/restore/", person("alice@example.com", "demo"), null,
                Map.of("X-Request-Id", "approval-restore"));
        assertThat(asked.status()).isEqualTo(202);
        assertThat(asked.get("state")).isEqualTo("pending_approval");
        String operation = asked.header("X-Operation-Id");
        // Meanwhile the server fills up: no room for the restore's safety snapshot.
        for (int made = 0; made < 5; made++) {
            Answer created = SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN,
                    "{\"server_id\": 12345, \"name\": \"filler-" + made + "\"}");
            if (created.status() == 400) {
                assertThat(created.get("reason_code")).isEqualTo("SNAPSHOT_LIMIT_REACHED");
                break;
            }
            assertThat(created.status()).isEqualTo(201);
        }

        Answer approved = decide(operation, person("bob@example.com", "demo"), "approve", "approval-restore-bob");

        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.body()).containsEntry("state", "rejected").containsEntry("final", true);
        assertThat(SETUP.simulator().requests()).extracting(RecordedRequest::path).noneMatch(p -> p.matches(".*/801/restore/?"));
        assertThat(SETUP.platform().auditOf("approval-restore").stream().map(RecordedAuditEvent::event)
                .filter(e -> e.operation() == Operation.RESTORE_SNAPSHOT)
                .map(e -> e.outcome().kind() + " " + e.outcome().reasonCode().map(Enum::name).orElse("")))
                .contains("REJECTED SAFETY_SNAPSHOT_LIMIT_REACHED");
        assertThat(approvalSteps(operation)).extracting(e -> e.operation() + " " + e.outcome().kind())
                .containsSubsequence("REQUEST_APPROVAL COMPLETED", "APPROVE_OPERATION COMPLETED");
    }

    /** The command line's approve and deny: a person's JWT as VPSR_TOKEN, exit codes a script can rely on. */
    @Test
    @Order(4)
    void vpsrApprovesAndDeniesWithExitCodesAScriptCanRelyOn() throws Exception {
        VpsrCommands vpsr = VpsrCommands.against(SETUP.platform());
        String alice = person("alice@example.com", "demo");
        String bob = person("bob@example.com", "demo");
        long approved = SETUP.platform().completedSnapshot(DEMO_TOKEN, 12345, "cli-approve-me");
        String toApprove = SETUP.platform().send("DELETE", "/api/v1/snapshots/" + approved + "/", alice, null).header("X-Operation-Id");

        VpsrCommands.Run self = vpsr.run(alice, "operations", "approve", toApprove);
        assertThat(self.exitCode()).as(self.err()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(self.err()).contains("SELF_APPROVAL_REFUSED");
        VpsrCommands.Run service = vpsr.run(DEMO_TOKEN, "operations", "approve", toApprove);
        assertThat(service.exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(service.err()).contains("APPROVER_NOT_A_PERSON");

        VpsrCommands.Run approve = vpsr.run(bob, "-o", "json", "operations", "approve", toApprove, "--reason", "OPS-4711");
        assertThat(approve.exitCode()).as(approve.err()).isEqualTo(ExitCodes.OK);
        com.fasterxml.jackson.databind.JsonNode decided = new com.fasterxml.jackson.databind.ObjectMapper().readTree(approve.out());
        assertThat(decided.path("id").asText()).isEqualTo(toApprove);
        assertThat(decided.path("approval").path("decision").path("reason").asText()).isEqualTo("OPS-4711");
        assertThat(vpsr.run(alice, "operations", "wait", toApprove, "--timeout", "30").exitCode()).isEqualTo(ExitCodes.OK);
        await().atMost(Duration.ofSeconds(20)).until(() -> deleteAsked(approved));

        long denied = SETUP.platform().completedSnapshot(DEMO_TOKEN, 12345, "cli-deny-me");
        // A script asking with the team's service token is refused: a person asks.
        VpsrCommands.Run askedByToken = vpsr.run(DEMO_TOKEN, "snapshots", "delete", String.valueOf(denied));
        assertThat(askedByToken.exitCode()).as(askedByToken.err()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(askedByToken.err()).contains("APPROVAL_NEEDS_A_PERSON");
        String toDeny = SETUP.platform().send("DELETE", "/api/v1/snapshots/" + denied + "/", alice, null).header("X-Operation-Id");
        VpsrCommands.Run deny = vpsr.run(bob, "operations", "deny", toDeny, "--reason", "not during the freeze");
        assertThat(deny.exitCode()).as(deny.err()).isEqualTo(ExitCodes.OK);
        assertThat(deny.out()).contains("denied");
        // A wait on an operation denied ends as a failed one does: a deploy pipeline must not go on.
        assertThat(vpsr.run(alice, "operations", "wait", toDeny).exitCode()).isEqualTo(ExitCodes.OPERATION_FAILED);
        VpsrCommands.Run again = vpsr.run(bob, "operations", "approve", toDeny);
        assertThat(again.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(again.err()).contains("APPROVAL_ALREADY_DECIDED");
        assertThat(deleteAsked(denied)).isFalse();
    }

    private static void awaitStart(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
