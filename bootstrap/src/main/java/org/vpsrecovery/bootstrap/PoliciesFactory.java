package org.vpsrecovery.bootstrap;

import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.ServerStates;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.vpsrecovery.application.policy.RunPoliciesService;
import org.vpsrecovery.application.provider.SharedListReads;
import org.vpsrecovery.application.snapshot.DeleteSnapshotUseCase;
import org.vpsrecovery.application.backup.DeleteBackupUseCase;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import java.time.Duration;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.change.PendingChangesService;
import org.vpsrecovery.application.hold.RecoveryPointHoldService;
import org.vpsrecovery.application.policy.ManagePoliciesService;
import org.vpsrecovery.domain.port.PendingChanges;
import org.vpsrecovery.application.policy.PlanPolicyService;
import org.vpsrecovery.application.policy.PlanPolicyUseCase;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.port.RunCalendar;

/** The recovery policies' use cases (ADR 0028). */
@Factory
public class PoliciesFactory {

    @Singleton
    RunCalendar runCalendar() {
        return new SchedulerRunCalendar();
    }

    @Singleton
    ManagePoliciesService managePolicies(RecoveryPolicies policies, ConfiguredTeams teams, RunCalendar calendar,
                                         AuditWriter writer, Clock clock) {
        return new ManagePoliciesService(policies, teams, calendar, writer, clock);
    }

    /**
     * Hold releases and policy changes a team has a second person approve (ADR 0043): the same configured rule as
     * restores and deletes ({@code vpsr.teams.<team>.approval-required=hold-release,policy-change}).
     */
    @Singleton
    PendingChangesService pendingChanges(ConfiguredApprovals settings, PendingChanges changes,
                                         RecoveryPointHoldService holds, ManagePoliciesService policies,
                                         AuditWriter writer, Clock clock) {
        return new PendingChangesService(settings, changes, holds, policies, writer, clock);
    }

    /** Reads VPS.org through the metered provider, as every other read does. */
    @Singleton
    PlanPolicyUseCase planPolicy(RecoveryPolicies policies, ConfiguredTeams teams, SharedListReads provider,
                                 RecoveryOperations operations, RecoveryPointHolds holds, RunCalendar calendar,
                                 AuditWriter writer, Clock clock) {
        return new PlanPolicyService(policies, teams, provider, provider, operations, holds, calendar, writer, clock);
    }

    /** Runs through the same audited create and delete paths as a person's calls, on the metered provider. */
    @Singleton
    RunPoliciesService runPolicies(ConfiguredTeams teams, RecoveryPolicies policies, SharedListReads provider,
                                   RecoveryOperations operations, RecoveryPointHolds holds, ServerStates servers,
                                   RunCalendar calendar, AuditedAttempts attempts, DeleteSnapshotUseCase deletes,
                                   DeleteBackupUseCase backupDeletes, Clock clock, MeterRegistry registry,
                                   @Value("${vpsr.policies.retry-first:1m}") Duration retryFirst) {
        // The retry job's first delay: a 429's run is judged owed or missed at its retry's real time (ADR 0028, session 56).
        RunPoliciesService runs = new RunPoliciesService(teams, policies, teams, provider, provider, teams, operations, holds,
                servers, calendar, attempts, deletes, backupDeletes, clock, retryFirst);
        // Cron times a window merged into a later one of the same pair: each also a WARN line (ADR 0028, session 45).
        FunctionCounter.builder("vpsr.policies.merged_cron_times", runs, RunPoliciesService::mergedCronTimes)
                .description("cron times not run because a later one of the same policy and server was in the same tick's window")
                .register(registry);
        return runs;
    }
}
