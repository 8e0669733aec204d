package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.vpsrecovery.adapters.http.webhook.ApacheWebhookTransport;
import org.vpsrecovery.application.webhook.ManageWebhooksService;
import org.vpsrecovery.application.webhook.ManageWebhooksUseCase;
import org.vpsrecovery.application.webhook.WebhookTargetGuard;
import org.vpsrecovery.domain.port.IdempotencyRecords;
import org.vpsrecovery.domain.testing.InMemoryWebhooks;
import org.vpsrecovery.domain.webhook.TargetAddressRules;
import org.vpsrecovery.domain.testing.InMemoryIdempotencyRecords;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.audit.ListAuditEventsUseCase;
import org.vpsrecovery.application.audit.ReportRecoverabilityUseCase;
import org.vpsrecovery.application.audit.SummarizeAuditUseCase;
import org.vpsrecovery.application.audit.VerifyAuditChainUseCase;
import org.vpsrecovery.application.backup.CreateManualBackupUseCase;
import org.vpsrecovery.application.backup.DeleteBackupUseCase;
import org.vpsrecovery.application.backup.ListBackupsUseCase;
import org.vpsrecovery.application.backup.RestoreServerFromBackupUseCase;
import org.vpsrecovery.application.snapshot.CreateSnapshotUseCase;
import org.vpsrecovery.application.snapshot.DeleteSnapshotUseCase;
import org.vpsrecovery.application.plan.PlanDestructiveWorkUseCase;
import org.vpsrecovery.application.hold.RecoveryPointHoldsUseCase;
import org.vpsrecovery.application.snapshot.ListSnapshotsUseCase;
import org.vpsrecovery.application.snapshot.RestoreSnapshotUseCase;

/** The facade over the real use cases and in-memory fakes of their ports (see PlatformFixture). */
@Factory
@Requires(env = "test")
public class FacadeTestWiring {

    public static final String BLUE_TOKEN = "blue-team-token-0123456789";
    public static final String GREEN_TOKEN = "green-team-token-9876543210";
    public static final String AUDITOR_TOKEN = "auditor-token-5555555555";

    @Singleton
    PlatformFixture platform() {
        return new PlatformFixture();
    }

    @Singleton
    Clock clock(PlatformFixture platform) {
        return platform.clock;
    }

    @Singleton
    IdempotencyRecords idempotencyRecords(PlatformFixture platform) {
        return new SwitchableIdempotencyRecords(new InMemoryIdempotencyRecords(platform.clock));
    }

    /** A share no facade test reaches; the fair share's own answers are tested end to end (FairShareEndToEndTest). */
    @Singleton
    org.vpsrecovery.application.fairshare.AdmitTeamRequestUseCase admitTeamRequests(PlatformFixture platform) {
        return new org.vpsrecovery.application.fairshare.AdmitTeamRequestService(
                new org.vpsrecovery.domain.testing.InMemoryFairShare(platform.clock, java.time.Duration.ofMinutes(2)),
                org.vpsrecovery.application.fairshare.FairShareSettings.everyTeam(
                        new org.vpsrecovery.domain.limits.FairShareLimits(1_000_000, 10_000)));
    }

    @Singleton
    TeamAuthenticator teamAuthenticator() {
        return new HashedTeamTokens(Map.of(
                PlatformFixture.BLUE, HashedTeamTokens.sha256Hex(BLUE_TOKEN),
                PlatformFixture.GREEN, HashedTeamTokens.sha256Hex(GREEN_TOKEN)));
    }

    @Singleton
    AuditorAuthenticator auditorAuthenticator() {
        return new HashedAuditorTokens(Map.of("compliance", HashedTeamTokens.sha256Hex(AUDITOR_TOKEN)));
    }

    @Singleton
    JwtBearerTokens jwtBearerTokens() {
        return JwtBearerTokens.disabled();
    }

    /** No drift recorded: the facade tests read the report's answer and its audit, the scan is tested end to end. */
    @Singleton
    org.vpsrecovery.application.drift.ListDriftUseCase listDrift() {
        return new org.vpsrecovery.application.drift.ReadDriftService(new org.vpsrecovery.domain.testing.InMemoryDriftRecords());
    }

    @Singleton
    SwitchableAuditHistory auditReadHistory(PlatformFixture platform) {
        return new SwitchableAuditHistory(platform.history);
    }

    @Singleton
    org.vpsrecovery.application.audit.RecordAuditReadUseCase recordAuditReads(PlatformFixture platform,
                                                                              SwitchableAuditHistory history) {
        return new org.vpsrecovery.application.audit.RecordAuditReadService(history, platform.clock);
    }

    /** The store the operations' reads use (not the attempts'): a test makes its reads fail as a database away would. */
    @Singleton
    @Bean(typed = SwitchableRecoveryOperations.class)
    SwitchableRecoveryOperations operationReads(PlatformFixture platform) {
        return new SwitchableRecoveryOperations(platform.operations);
    }

    /** Reads through the switchable operations: a test makes the look-up of a takeover fail (FacadeHttpTest). */
    @Singleton
    org.vpsrecovery.application.operation.ReadOperationsService readOperations(PlatformFixture platform,
                                                                              SwitchableRecoveryOperations operations) {
        return new org.vpsrecovery.application.operation.ReadOperationsService(operations, platform.clock);
    }

    @Singleton
    ListAuditEventsUseCase listAuditEvents(PlatformFixture platform) {
        return platform.listAuditEvents();
    }

    @Singleton
    VerifyAuditChainUseCase verifyAuditChain(PlatformFixture platform) {
        return platform.verifyAuditChain();
    }

    @Singleton
    SummarizeAuditUseCase summarizeAudit(PlatformFixture platform) {
        return platform.summarizeAudit();
    }

    @Singleton
    ReportRecoverabilityUseCase reportRecoverability(PlatformFixture platform) {
        return platform.reportRecoverability();
    }

    @Singleton
    ListSnapshotsUseCase listSnapshots(PlatformFixture platform) {
        return platform.listSnapshots();
    }

    @Singleton
    CreateSnapshotUseCase createSnapshot(PlatformFixture platform) {
        return platform.createSnapshot();
    }

    @Singleton
    SwitchableSafetySnapshotSettings safetySnapshotSettings() {
        return new SwitchableSafetySnapshotSettings();
    }

    /** Restores take a safety snapshot when a test turns it on, room made at the limit by the policies' rotation. */
    @Singleton
    RestoreSnapshotUseCase restoreSnapshot(PlatformFixture platform, SwitchableSafetySnapshotSettings settings,
                                           AnswerLosingRecoveryPolicies policies) {
        return platform.restoreSnapshot(platform.safetySnapshots(settings,
                new org.vpsrecovery.application.policy.PolicySafetySnapshotRotation(policies, platform.ownership,
                        platform.provider, platform.provider, platform.operations, platform.holds,
                        platform.deleteSnapshot(), platform.clock)));
    }

    @Singleton
    DeleteSnapshotUseCase deleteSnapshot(PlatformFixture platform) {
        return platform.deleteSnapshot();
    }

    @Singleton
    PlanDestructiveWorkUseCase plans(PlatformFixture platform) {
        return platform.plans();
    }

    @Singleton
    @Bean(typed = AnswerLosingRecoveryPointHolds.class)
    AnswerLosingRecoveryPointHolds holdStore(PlatformFixture platform) {
        return new AnswerLosingRecoveryPointHolds(platform.holds);
    }

    /** Over the fixture's holds, through a store whose next placement can lose its commit's answer. */
    @Singleton
    RecoveryPointHoldsUseCase recoveryPointHolds(PlatformFixture platform, AnswerLosingRecoveryPointHolds store) {
        return platform.recoveryPointHolds(store, org.vpsrecovery.domain.hold.HoldLimits.DEFAULTS);
    }

    /** No team of the facade tests waits for a second person: a release or policy change is done at once. */
    @Singleton
    org.vpsrecovery.domain.testing.InMemoryPendingChanges pendingChangeStore() {
        return new org.vpsrecovery.domain.testing.InMemoryPendingChanges();
    }

    @Singleton
    org.vpsrecovery.application.change.PendingChangesService pendingChanges(PlatformFixture platform,
            org.vpsrecovery.domain.testing.InMemoryPendingChanges store,
            org.vpsrecovery.application.policy.ManagePoliciesService policies) {
        return new org.vpsrecovery.application.change.PendingChangesService(
                org.vpsrecovery.application.approval.ApprovalSettings.none(), store, platform.recoveryPointHolds(),
                policies, platform.auditWriter, platform.clock);
    }

    @Singleton
    AnswerLosingRecoveryPolicies policyStore() {
        return new AnswerLosingRecoveryPolicies(new org.vpsrecovery.domain.testing.InMemoryRecoveryPolicies());
    }

    /** The policies' routes over the one store the pending changes write through. */
    @Singleton
    @Bean(typed = {org.vpsrecovery.application.policy.ManagePoliciesService.class,
            org.vpsrecovery.application.policy.ManagePoliciesUseCase.class})
    org.vpsrecovery.application.policy.ManagePoliciesService managePolicies(PlatformFixture platform,
            AnswerLosingRecoveryPolicies store) {
        return new org.vpsrecovery.application.policy.ManagePoliciesService(store, platform.ownership,
                new org.vpsrecovery.domain.testing.DailyRunCalendar(), platform.auditWriter, platform.clock);
    }

    @Singleton
    org.vpsrecovery.application.policy.PlanPolicyUseCase planPolicies(PlatformFixture platform,
            AnswerLosingRecoveryPolicies store) {
        return new org.vpsrecovery.application.policy.PlanPolicyService(store, platform.ownership, platform.provider,
                platform.provider, platform.operations, platform.holds, new org.vpsrecovery.domain.testing.DailyRunCalendar(),
                platform.auditWriter, platform.clock);
    }

    @Singleton
    org.vpsrecovery.application.attempt.AttemptsOnRecord attemptsOnRecord(PlatformFixture platform) {
        return new org.vpsrecovery.application.attempt.AttemptsOnRecord(platform.history);
    }

    @Singleton
    ListBackupsUseCase listBackups(PlatformFixture platform) {
        return platform.listBackups();
    }

    @Singleton
    CreateManualBackupUseCase createManualBackup(PlatformFixture platform) {
        return platform.createManualBackup();
    }

    @Singleton
    DeleteBackupUseCase deleteBackup(PlatformFixture platform) {
        return platform.deleteBackup();
    }

    @Singleton
    RestoreServerFromBackupUseCase restoreServerFromBackup(PlatformFixture platform) {
        return platform.restoreServerFromBackup();
    }

    @Singleton
    org.vpsrecovery.application.server.RestoreHoldService restoreHolds(PlatformFixture platform) {
        return platform.restoreHolds();
    }

    /** Loopback allowed: the webhook tests subscribe local names. */
    static final TargetAddressRules WEBHOOK_RULES = new TargetAddressRules(true, false);

    /** The real transport, its lookups limited to half a second (WebhookCreateHttpTest holds its creates' threads). */
    @Singleton
    @Bean(preDestroy = "close")
    ApacheWebhookTransport webhookTransport() {
        return new ApacheWebhookTransport(Duration.ofMillis(500), Duration.ofSeconds(5), WEBHOOK_RULES);
    }

    /** Creates check their targets as in production: through the transport's own threads for creates. */
    @Singleton
    ManageWebhooksUseCase manageWebhooks(ApacheWebhookTransport transport, PlatformFixture platform) {
        InMemoryWebhooks store = new InMemoryWebhooks();
        return new ManageWebhooksService(store, store, new WebhookTargetGuard(transport.subscriptionChecks(), WEBHOOK_RULES),
                platform.clock);
    }
}
