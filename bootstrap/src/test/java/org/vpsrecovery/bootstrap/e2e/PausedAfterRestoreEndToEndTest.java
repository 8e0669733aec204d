package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.application.backup.DeleteBackupUseCase;
import org.vpsrecovery.application.policy.RunPoliciesService;
import org.vpsrecovery.application.provider.SharedListReads;
import org.vpsrecovery.application.snapshot.DeleteSnapshotUseCase;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.port.RunCalendar;
import org.vpsrecovery.domain.server.ServerId;
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

    // One paused service for the class: each test reads only its own requests' and policy's events (CI time).
    private static VpsOrgSimulator simulator;
    private static RunningPlatform platform;

    @BeforeAll
    static void start() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        Map<String, Object> settings = new HashMap<>(PlatformOnSimulator.NO_BACKGROUND_TRACKING);
        settings.put("vpsr.paused-after-restore", true);
        platform = RunningPlatform.start(DATABASE.anotherMigrated(), simulator, settings);
    }

    @AfterAll
    static void stop() {
        platform.close();
        simulator.close();
    }

    private static long createsAtVpsOrg() {
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

    /**
     * A second instance of the policy runs' service, as another instance (or this one restarted) holds it: the same
     * PostgreSQL-backed ports, its own memory of what it audited while paused.
     */
    private RunPoliciesService anotherInstance() {
        var context = platform.context;
        org.vpsrecovery.bootstrap.ConfiguredTeams teams = context.getBean(org.vpsrecovery.bootstrap.ConfiguredTeams.class);
        SharedListReads provider = context.getBean(SharedListReads.class);
        return new RunPoliciesService(teams, context.getBean(RecoveryPolicies.class), teams, provider, provider, teams,
                context.getBean(RecoveryOperations.class), context.getBean(RecoveryPointHolds.class),
                context.getBean(ServerStates.class), context.getBean(RunCalendar.class),
                context.getBean(AuditedAttempts.class), context.getBean(DeleteSnapshotUseCase.class),
                context.getBean(DeleteBackupUseCase.class), context.getBean(java.time.Clock.class));
    }

    /**
     * Paused a week, a per-minute policy's put-off runs are audited once each across two instances on one PostgreSQL
     * and across a restart (a fresh instance, nothing remembered), though each instance now walks from the cron time it
     * audited last and reads the history only for a newer one (ADR 0028, amended in session 53).
     */
    @Test
    void putOffRunsAreAuditedOnceAcrossTwoInstancesAndARestart() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(30);
        Instant lastEnd = now.minus(Duration.ofDays(7));
        RecoveryPolicy policy = RecoveryPolicy.created(PolicyId.random(), new TeamId("demo"), new PolicySpec(
                PolicyServers.of(List.of(new ServerId(12345))), PolicyKind.SNAPSHOT,
                new PolicySchedule("* * * * *", ZoneId.of("UTC")), new NameTemplate("paused-{server_id}-{time}"),
                new RetentionRules(10, Duration.ZERO, 0, 0, 0, 0, false)), lastEnd.minus(Duration.ofDays(1)));
        platform.context.getBean(RecoveryPolicies.class).add(policy);
        RunPoliciesService first = anotherInstance();
        RunPoliciesService second = anotherInstance();

        assertThat(first.auditPutOffWhilePaused(lastEnd, now)).isOne();
        assertThat(second.auditPutOffWhilePaused(lastEnd, now)).as("on record by the first").isZero();
        assertThat(first.auditPutOffWhilePaused(lastEnd, now)).isZero();
        Instant minuteLater = now.plus(Duration.ofMinutes(1));
        assertThat(second.auditPutOffWhilePaused(lastEnd, minuteLater)).isOne();
        assertThat(first.auditPutOffWhilePaused(lastEnd, minuteLater)).as("on record by the second").isZero();
        assertThat(anotherInstance().auditPutOffWhilePaused(lastEnd, minuteLater)).as("after a restart").isZero();

        List<String> refused = platform.audit().query(AuditQuery.latest(100).forTeam(new TeamId("demo"))).stream()
                .map(RecordedAuditEvent::event)
                .filter(e -> e.outcome().equals(new Outcome.Rejected(ReasonCode.PAUSED_AFTER_RESTORE)))
                .map(e -> e.requestId().value()).filter(id -> id.contains(policy.id().value().toString())).toList();
        assertThat(refused).doesNotHaveDuplicates().containsExactlyInAnyOrder(
                policy.runRequest(new ServerId(12345), now.truncatedTo(ChronoUnit.MINUTES)).value(),
                policy.runRequest(new ServerId(12345), minuteLater.truncatedTo(ChronoUnit.MINUTES)).value());
        assertThat(createsAtVpsOrg()).isZero();
    }
}
