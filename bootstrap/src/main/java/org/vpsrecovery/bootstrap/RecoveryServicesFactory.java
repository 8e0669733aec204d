package org.vpsrecovery.bootstrap;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.core.value.PropertyResolver;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.vpsrecovery.adapters.persistence.PostgresAdapterFactory;
import org.vpsrecovery.adapters.persistence.kept.FileKeptAuditEvents;
import org.vpsrecovery.adapters.http.provider.VpsOrgClient;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.vpsrecovery.adapters.http.facade.AuditorAuthenticator;
import org.vpsrecovery.adapters.http.facade.HashedAuditorTokens;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;
import org.vpsrecovery.adapters.http.facade.JwksFetches;
import org.vpsrecovery.adapters.http.facade.JwtBearerTokens;
import org.vpsrecovery.application.provider.ProviderAnswersOnTheAskedServer;
import org.vpsrecovery.application.provider.SharedListReads;
import org.vpsrecovery.application.recoverypoint.kind.RecoveryPointServers;
import org.vpsrecovery.application.audit.RecordAuditReadService;
import org.vpsrecovery.application.audit.RecordAuditReadUseCase;
import org.vpsrecovery.adapters.http.facade.TeamAuthenticator;
import org.vpsrecovery.application.attempt.AttemptsOnRecord;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.approval.ApprovalGate;
import org.vpsrecovery.application.approval.ApprovalsService;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.ReconcilePendingIntentsService;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.application.server.RestoreHoldService;
import org.vpsrecovery.application.attempt.TrackingDeadlines;
import org.vpsrecovery.application.operation.ReadOperationsService;
import org.vpsrecovery.application.operation.TrackOperationsService;
import org.vpsrecovery.application.audit.AuditReadSlots;
import org.vpsrecovery.application.audit.ListAuditEventsService;
import org.vpsrecovery.application.audit.ListAuditEventsUseCase;
import org.vpsrecovery.application.audit.ReportRecoverabilityService;
import org.vpsrecovery.application.audit.ReportRecoverabilityUseCase;
import org.vpsrecovery.application.audit.SummarizeAuditService;
import org.vpsrecovery.application.audit.SummarizeAuditUseCase;
import org.vpsrecovery.application.audit.VerifyAuditChainService;
import org.vpsrecovery.application.audit.VerifyAuditChainUseCase;
import org.vpsrecovery.application.backup.CreateManualBackupService;
import org.vpsrecovery.application.backup.CreateManualBackupUseCase;
import org.vpsrecovery.application.backup.TeamBackups;
import org.vpsrecovery.application.backup.ListBackupsUseCase;
import org.vpsrecovery.application.snapshot.CreateSnapshotService;
import org.vpsrecovery.application.snapshot.CreateSnapshotUseCase;
import org.vpsrecovery.application.snapshot.TeamSnapshots;
import org.vpsrecovery.application.snapshot.ListSnapshotsUseCase;
import org.vpsrecovery.domain.audit.CheckpointKeys;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.port.ChainCheckpoints;
import org.vpsrecovery.domain.port.ChainPositions;
import org.vpsrecovery.domain.port.PendingChanges;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.application.hold.RecoveryPointHoldService;
import org.vpsrecovery.domain.hold.HoldLimits;
import org.vpsrecovery.application.plan.PlanDestructiveWorkService;
import org.vpsrecovery.application.recoverypoint.DeleteRecoveryPointService;
import org.vpsrecovery.application.snapshot.DeleteSnapshotUseCase;
import org.vpsrecovery.application.recoverypoint.RestoreRecoveryPointService;
import org.vpsrecovery.application.restore.ContinueRestoresService;
import org.vpsrecovery.application.policy.PolicyIntents;
import org.vpsrecovery.application.change.PendingChangeIntents;
import org.vpsrecovery.application.policy.PolicySafetySnapshotRotation;
import org.vpsrecovery.application.restore.SafetySnapshots;
import org.vpsrecovery.application.snapshot.CreateSnapshotCommand;
import org.vpsrecovery.application.plan.PlanDestructiveWorkUseCase;
import org.vpsrecovery.domain.port.ServerLock;

/** The composition root: the framework-free use cases, built from the adapters' port implementations. */
@Factory
public class RecoveryServicesFactory {

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    // Teams and auditors are built when the context starts (@Context), not at the first request:
    // a wrong setting stops the start with the setting named, instead of answering every request 500.
    // With a teams file, teams and auditors from anywhere else are refused, and a published token's digest whatever its
    // source (ADR 0034, amended in session 56): only the embedded demo serves those.
    @Context
    ConfiguredTeams configuredTeams(Environment environment) {
        ConfiguredTeams teams = ConfiguredTeams.from(environment);
        if (outsideTheDemo(environment)) {
            ConfiguredTeams.refusePublishedDigests(teams, ConfiguredAuditors.from(environment));
        }
        TeamsFile.refuseSettingsFromElsewhere(environment);
        return teams;
    }

    /** A teams file given (the real VPS.org requires one): the demo's published tokens serve nowhere else. */
    private static boolean outsideTheDemo(PropertyResolver properties) {
        return properties.containsProperty(TeamsFile.GIVEN);
    }

    @Context
    TeamAuthenticator teamAuthenticator(ConfiguredTeams teams, Clock clock) {
        return new HashedTeamTokens(teams.serviceTokens(), clock);
    }

    /**
     * People's JWTs: refused unless vpsr.identity.jwt.* configures the identity provider (ADR 0034). Its key fetches are
     * counted by outcome, each series there from the start at 0 (amended in session 50): the kept keys hide an outage
     * of the identity provider until every JWT is answered 503.
     */
    @Context
    JwtBearerTokens jwtBearerTokens(PropertyResolver properties, ConfiguredTeams teams, MeterRegistry registry) {
        JwtBearerTokens people = ConfiguredIdentityProvider.from(properties)
                .map(settings -> JwtBearerTokens.of(settings, teams.teams()))
                .orElseGet(JwtBearerTokens::disabled);
        JwksFetches fetches = people.jwksFetches();
        FunctionCounter.builder(JWKS_FETCHES, fetches, JwksFetches::fetched).tag("outcome", "ok")
                .description("Fetches of the identity provider's keys (JWKS), by outcome").register(registry);
        FunctionCounter.builder(JWKS_FETCHES, fetches, JwksFetches::failed).tag("outcome", "failed")
                .description("Fetches of the identity provider's keys (JWKS), by outcome").register(registry);
        return people;
    }

    static final String JWKS_FETCHES = "vpsr.identity.jwks.fetches";

    @Singleton
    RecordAuditReadUseCase recordAuditReads(MeteredAuditHistory history, Clock clock) {
        return new RecordAuditReadService(history, clock);
    }

    @Context
    AuditorAuthenticator auditorAuthenticator(PropertyResolver properties, ConfiguredTeams teams) {
        ConfiguredAuditors auditors = ConfiguredAuditors.from(properties);
        ConfiguredTeams.refuseSharedDigests(teams, auditors);
        if (outsideTheDemo(properties)) {
            ConfiguredTeams.refusePublishedDigests(teams, auditors);
        }
        return new HashedAuditorTokens(auditors.tokenDigests());
    }

    /**
     * VPS.org's answers held to the server asked about, right over the adapter, so that every use case and the health
     * check read it so, whichever adapter stands behind (ADR 0024, amended in session 40). Exposed as itself only, as the
     * metered provider is, so that the adapter stays the one SnapshotProvider/BackupProvider bean.
     */
    @Singleton
    @Bean(typed = ProviderAnswersOnTheAskedServer.class)
    ProviderAnswersOnTheAskedServer answersOnTheAskedServer(VpsOrgClient client, MeterRegistry registry) {
        heldBackSeconds(client, registry);
        circuitOpen(client, registry);
        return new ProviderAnswersOnTheAskedServer(client, client);
    }

    /** {@value #HELD_BACK_SECONDS}'s name. */
    static final String HELD_BACK_SECONDS = "vpsr.vpsorg.held_back_seconds";

    /**
     * {@value #HELD_BACK_SECONDS}: how long a 429 still holds back every VPS.org call of this instance, 0 when none
     * (ADR 0010, amended in session 51), read from the client on each scrape.
     */
    static Gauge heldBackSeconds(VpsOrgClient client, MeterRegistry registry) {
        return Gauge.builder(HELD_BACK_SECONDS, client, c -> c.heldBackFor().map(left -> left.toNanos() / 1e9).orElse(0.0))
                .description("How long a 429 from VPS.org still holds back every VPS.org call of this instance (0: none)")
                .baseUnit("seconds")
                .register(registry);
    }

    /** {@value #CIRCUIT_OPEN}'s name. */
    static final String CIRCUIT_OPEN = "vpsr.vpsorg.circuit_open";

    /**
     * {@value #CIRCUIT_OPEN}: 1 while this instance's circuit breaker is open (every VPS.org call fails fast, nothing
     * sent), 0 when closed or half-open, read from the client on each scrape (ADR 0010, amended in session 53).
     */
    static Gauge circuitOpen(VpsOrgClient client, MeterRegistry registry) {
        return Gauge.builder(CIRCUIT_OPEN, client, c -> c.isCircuitOpen() ? 1 : 0)
                .description("1 while this instance's VPS.org circuit breaker is open (calls fail fast, nothing sent), "
                        + "else 0").register(registry);
    }

    /**
     * Exposed as itself only, so that the adapter stays the one SnapshotProvider/BackupProvider bean. Over the asked
     * server's check: a create answered with another server is timed with the outcome the use case sees (unknown).
     */
    @Singleton
    @Bean(typed = MeteredProvider.class)
    MeteredProvider meteredProvider(ProviderAnswersOnTheAskedServer provider, MeterRegistry registry) {
        return new MeteredProvider(provider, provider, registry);
    }

    /** What the use cases call: VPS.org's lists shared by the callers asking at once (ADR 0075), each call timed. */
    @Singleton
    @Bean(typed = SharedListReads.class)
    SharedListReads sharedListReads(MeteredProvider provider, MeterRegistry registry) {
        // A list waiting its turn starts under its own request's context: its log lines name its request id.
        SharedListReads reads = new SharedListReads(provider, provider, task -> PropagatedContext.getOrEmpty().wrap(task));
        FunctionCounter.builder("vpsr.provider.lists.shared", reads, SharedListReads::sharedAnswers)
                .description("List reads answered by a VPS.org read made at the same time for another caller")
                .register(registry);
        return reads;
    }

    @Singleton
    @Bean(typed = MeteredAuditHistory.class)
    MeteredAuditHistory meteredAuditHistory(AuditHistory history, MeterRegistry registry) {
        return new MeteredAuditHistory(history, registry);
    }

    /** Where audit events the history cannot take wait, durably (ADR 0141); {@code VPSR_AUDIT_KEPT_DIR}. */
    static final String KEPT_AUDIT_DIRECTORY = "vpsr.audit.kept.directory";

    /**
     * Let go of by the writer's close, not by a close of its own: never while a flush left behind by the stop may still
     * write what another instance on the directory would then take over and write too (ADR 0141, session 46).
     */
    @Singleton
    FileKeptAuditEvents keptAuditEvents(PropertyResolver properties) {
        Path directory = properties.get(KEPT_AUDIT_DIRECTORY, String.class).map(Path::of)
                .orElse(ChainCheckpointFactory.dataDirectory(properties).resolve("kept-audit-events"));
        try {
            return new FileKeptAuditEvents(directory);
        } catch (UncheckedIOException e) {
            throw new StartupRefused("VPSR_AUDIT_KEPT_DIR: " + e.getMessage());
        }
    }

    /**
     * {@code vpsr.audit.kept_events} shows what waits to be written ({@code store="file"}: kept on disk, written by the
     * housekeeping flush; {@code store="memory"}: not even that, lost at a stop), read from the writer's own counts
     * on every scrape, no file read (ADR 0038, amended in session 43); {@code vpsr.audit.kept_events_oldest_age}, in
     * seconds, how long ago the event waiting longest in each happened, 0 when none waits: a count that does not move
     * because nothing can be written looks like fresh events, its age does not (amended in session 44). Both read
     * what the writer and the store noted: no file read, no lock a slow disk could hold.
     */
    @Singleton
    @Bean(preDestroy = "close")
    AuditWriter auditWriter(MeteredAuditHistory history, FileKeptAuditEvents kept, MeterRegistry registry, Clock clock) {
        AuditWriter writer = new AuditWriter(history, kept);
        Gauge.builder(KEPT_EVENTS, writer, AuditWriter::keptWaiting).tag("store", "file")
                .description("Audit events the history could not take, kept on disk to be written later")
                .register(registry);
        Gauge.builder(KEPT_EVENTS, writer, AuditWriter::inMemoryWaiting).tag("store", "memory")
                .description("Audit events neither the history nor the kept-events store could take: in memory only")
                .register(registry);
        Gauge.builder(KEPT_EVENTS_OLDEST_AGE, writer, w -> secondsSince(w.keptOldestOccurredAt(), clock))
                .tag("store", "file").baseUnit("seconds")
                .description("How long ago the kept audit event waiting longest on disk happened; 0 when none waits")
                .register(registry);
        Gauge.builder(KEPT_EVENTS_OLDEST_AGE, writer, w -> secondsSince(w.inMemoryOldestOccurredAt(), clock))
                .tag("store", "memory").baseUnit("seconds")
                .description("How long ago the audit event waiting longest in memory only happened; 0 when none waits")
                .register(registry);
        return writer;
    }

    static final String KEPT_EVENTS = "vpsr.audit.kept_events";
    static final String KEPT_EVENTS_OLDEST_AGE = "vpsr.audit.kept_events_oldest_age";

    /** Seconds from {@code since} to the clock's now; 0 when there is none, and never below 0 (a clock set back). */
    static double secondsSince(Optional<java.time.Instant> since, Clock clock) {
        return since.map(at -> Math.max(0, Duration.between(at, clock.instant()).toNanos() / 1e9)).orElse(0.0);
    }

    /** What an Idempotency-Key's takeover asks of the history: whether a request that left no answer made a change. */
    @Singleton
    AttemptsOnRecord attemptsOnRecord(MeteredAuditHistory history) {
        return new AttemptsOnRecord(history);
    }

    @Singleton
    TrackingDeadlines trackingDeadlines(@Value("${vpsr.tracking.create-deadline:30m}") Duration create,
                                        @Value("${vpsr.tracking.delete-deadline:10m}") Duration delete,
                                        @Value("${vpsr.restore-window:20m}") Duration restoreWindow,
                                        @Value("${vpsr.restore-window-backup:60m}") Duration backupRestoreWindow) {
        // A backup restore has its own window: VPS.org documents 5-15 minutes for snapshot restores only (ADR 0024,
        // amended in session 49). A zero restore window (tests) turns every hold off, and still needs a positive
        // deadline to follow the restore to.
        StartupRefused.unlessPositive("vpsr.restore-window-backup", backupRestoreWindow);
        boolean holdsOff = restoreWindow(restoreWindow).isZero();
        return new TrackingDeadlines(StartupRefused.unlessPositive("vpsr.tracking.create-deadline", create),
                StartupRefused.unlessPositive("vpsr.tracking.delete-deadline", delete),
                holdsOff ? Duration.ofSeconds(1) : restoreWindow, holdsOff ? Duration.ofSeconds(1) : backupRestoreWindow);
    }

    /** Zero turns the restore hold off (ServerStates): the tests' switch, documented as such, never an operator's. */
    static Duration restoreWindow(Duration window) {
        if (window.isNegative()) {
            throw new StartupRefused("vpsr.restore-window must not be negative (0 turns the restore hold off, for tests "
                    + "only), was " + window);
        }
        return window;
    }

    @Singleton
    AuditedAttempts auditedAttempts(AuditWriter writer, RecoveryOperations operations, ServerLock lock, Clock clock,
                                    TrackingDeadlines deadlines,
                                    @Value("${" + Deployment.PAUSED_AFTER_RESTORE + ":false}") boolean pausedAfterRestore) {
        return new AuditedAttempts(writer, operations, lock, clock, deadlines, pausedAfterRestore);
    }

    @Singleton
    TrackOperationsService trackOperations(RecoveryOperations operations, SharedListReads provider,
                                           MeteredAuditHistory history, AuditWriter writer, ServerLock lock,
                                           @Named(PostgresAdapterFactory.FOLLOWING_LOCK) ServerLock following,
                                           Clock clock,
                                           @Value("${vpsr.tracking.first-look:5s}") Duration firstLook,
                                           @Value("${vpsr.tracking.longest-look:1m}") Duration longestLook,
                                           @Value("${vpsr.reconcile.settle-after:5m}") Duration settleAfter,
                                           @Value("${vpsr.tracking.batch:200}") int batch,
                                           @Value("${vpsr.tracking.per-lock-hold:20}") int perLockHold) {
        // What VPS.org took is followed under a lock of the trackers' own, not the requests' (ADR 0057).
        return new TrackOperationsService(operations, provider, provider, history, writer, lock, following, clock,
                trackingSettings(firstLook, longestLook, batch, settleAfter, perLockHold));
    }

    /** How often the open operations' gauges are read from the database. */
    static final Duration OPEN_OPERATIONS_READ_EVERY = Duration.ofSeconds(10);

    /**
     * What an alert on a stuck tracker reads (ADR 0024, amended in session 51): the open operations' count and the
     * oldest's age, read on a thread of their own every {@link #OPEN_OPERATIONS_READ_EVERY} as the webhook backlog is
     * (a scrape never waits on the database; nothing is read at start, when the schema may still be migrating); the age
     * counts on to each scrape from the oldest's acceptance. And the servers the tracker passed over, counted from 0.
     */
    @Bean(preDestroy = "close")
    @Context
    GaugeReading<RecoveryOperations.Open> openOperationsReading(TrackOperationsService tracker, MeterRegistry registry,
                                                                Clock clock) {
        GaugeReading<RecoveryOperations.Open> open = new GaugeReading<>("open-operations", tracker::open,
                RecoveryOperations.Open.NONE, OPEN_OPERATIONS_READ_EVERY).withLastReadGauge(registry);
        Gauge.builder("vpsr.operations.open", open, o -> o.latest().count())
                .description("Operations the tracker has yet to follow to an end (accepted, in progress, unresolved), "
                        + "all instances', read from the database every " + OPEN_OPERATIONS_READ_EVERY.toSeconds() + " s")
                .register(registry);
        Gauge.builder("vpsr.operations.open_oldest_age_seconds", open,
                        o -> secondsSince(o.latest().oldestAcceptedAt(), clock))
                .description("How long ago the oldest open operation was accepted; 0 when none is open")
                .register(registry);
        FunctionCounter.builder("vpsr.tracking.servers.passed_over", tracker, TrackOperationsService::serversPassedOver)
                .description("Servers this instance's tracker passed over in a round (the server's lock busy, VPS.org "
                        + "or the database failing): their operations stay due for the next round").register(registry);
        return open;
    }

    static TrackOperationsService.Settings trackingSettings(Duration firstLook, Duration longestLook, int batch,
                                                           Duration settleAfter, int perLockHold) {
        settleAfter(settleAfter);
        try {
            return new TrackOperationsService.Settings(firstLook, longestLook, batch, settleAfter, perLockHold);
        } catch (IllegalArgumentException invalid) {
            throw new StartupRefused("vpsr.tracking.first-look / longest-look / batch / per-lock-hold, "
                    + "vpsr.reconcile.settle-after: " + invalid.getMessage());
        }
    }

    /**
     * Zero settles at once: the tests' switch, documented as such (ADR 0021); negative is refused with its key alone, not
     * among the tracking settings' (ADR 0021, amended in session 50).
     */
    static Duration settleAfter(Duration settleAfter) {
        if (settleAfter.isNegative()) {
            throw new StartupRefused("vpsr.reconcile.settle-after must not be negative (0 settles at once, for tests "
                    + "only), was " + settleAfter);
        }
        return settleAfter;
    }

    @Singleton
    ServerStates serverStates(RecoveryOperations operations, MeteredAuditHistory history, Clock clock,
                              @Value("${vpsr.restore-window:20m}") Duration restoreWindow) {
        return new ServerStates(operations, history, clock, restoreWindow(restoreWindow));
    }

    @Singleton
    RestoreHoldService restoreHolds(ConfiguredTeams teams, ServerStates servers, RecoveryOperations operations,
                                    AuditedAttempts attempts, AuditWriter writer, Clock clock,
                                    jakarta.inject.Provider<PolicyRunJobs> policyRuns) {
        // A hold released early brings the policy runs it put off forward (ADR 0028, amended in session 51).
        return new RestoreHoldService(teams, servers, operations, attempts, writer, clock,
                (server, heldUntil) -> policyRuns.get().holdReleased(server, heldUntil));
    }

    @Singleton
    ListSnapshotsUseCase listSnapshots(SharedListReads provider, ConfiguredTeams teams) {
        return new TeamSnapshots(provider, teams);
    }

    /** The servers of the snapshots this instance made, which its deletes read instead of listing the team's (ADR 0048). */
    @Singleton
    RecoveryPointServers recoveryPointServers() {
        return new RecoveryPointServers();
    }

    @Singleton
    CreateSnapshotUseCase createSnapshot(SharedListReads provider, ConfiguredTeams teams, ServerStates servers,
                                         AuditedAttempts attempts, RecoveryPointServers made) {
        return new CreateSnapshotService(provider, teams, teams, servers, attempts, made);
    }

    @Singleton
    SafetySnapshots safetySnapshots(ConfiguredTeams teams, CreateSnapshotUseCase create, SharedListReads provider,
                                    RecoveryOperations operations, AuditWriter writer, TrackingDeadlines deadlines,
                                    Clock clock, RecoveryPolicies policies, RecoveryPointHolds holds,
                                    DeleteSnapshotUseCase delete) {
        // At the limit, the team's snapshot policies' retention makes room (ADR 0036).
        return new SafetySnapshots(teams, new PolicySafetySnapshotRotation(policies, teams, provider, provider,
                        operations, holds, delete, clock),
                (context, restore, server, name, description) -> create.createSnapshot(
                        new CreateSnapshotCommand(context, server, name, Optional.of(description), Optional.of(restore))),
                provider, teams, operations, writer, deadlines, clock);
    }

    @Singleton
    ContinueRestoresService continueRestores(RecoveryOperations operations, SafetySnapshots safety,
                                             SharedListReads provider, ConfiguredTeams teams, ServerLock lock,
                                             AuditWriter writer, TrackingDeadlines deadlines, Clock clock) {
        return new ContinueRestoresService(operations, safety, new TeamSnapshots(provider, teams),
                new TeamBackups(provider, teams), teams, lock, writer, deadlines, clock);
    }

    /** Both restores, of snapshots and of backups (RestoreSnapshotUseCase, RestoreServerFromBackupUseCase). */
    @Singleton
    RestoreRecoveryPointService restoreRecoveryPoints(SharedListReads provider, ConfiguredTeams teams,
                                                      ServerStates servers, AuditedAttempts attempts, Clock clock,
                                                      SafetySnapshots safety, ApprovalGate approvals) {
        return new RestoreRecoveryPointService(provider, provider, teams, servers, attempts, clock, Optional.of(safety),
                Optional.of(approvals));
    }

    /** Which requests wait for a second person (ADR 0040): each team's own rule, off by default. */
    @Singleton
    ConfiguredApprovals configuredApprovals(PropertyResolver properties, ConfiguredTeams teams) {
        return ConfiguredApprovals.from(properties, teams.teams());
    }

    @Singleton
    ApprovalGate approvalGate(ConfiguredApprovals settings, AuditedAttempts attempts, RecoveryOperations operations,
                              AuditWriter writer, Clock clock) {
        return new ApprovalGate(settings, attempts, operations, writer, clock);
    }

    @Singleton
    ApprovalsService approvals(RecoveryOperations operations, AuditedAttempts attempts, AuditWriter writer, Clock clock,
                               DeleteRecoveryPointService deletes, RestoreRecoveryPointService restores) {
        return new ApprovalsService(operations, attempts, writer, clock, deletes, deletes, restores, restores);
    }

    /** Both deletes, of snapshots and of backups (DeleteSnapshotUseCase, DeleteBackupUseCase). */
    @Singleton
    DeleteRecoveryPointService deleteRecoveryPoints(SharedListReads provider, ConfiguredTeams teams, ServerStates servers,
                                                    AuditedAttempts attempts, RecoveryPointHolds holds,
                                                    ApprovalGate approvals, RecoveryPointServers made) {
        return new DeleteRecoveryPointService(provider, provider, teams, servers, attempts, holds, Optional.of(approvals),
                made);
    }

    @Singleton
    PlanDestructiveWorkUseCase planDestructiveWork(SharedListReads provider, ConfiguredTeams teams, ServerStates servers,
                                                   RecoveryPointHolds holds, AuditedAttempts attempts, AuditWriter writer,
                                                   Clock clock, SafetySnapshots safety) {
        return new PlanDestructiveWorkService(provider, provider, teams, servers, holds, attempts, writer, clock,
                Optional.of(safety));
    }

    @Singleton
    RecoveryPointHoldService recoveryPointHolds(SharedListReads provider, ConfiguredTeams teams, RecoveryPointHolds holds,
                                                 RecoveryOperations operations, AuditedAttempts attempts, Clock clock,
                                                 HoldLimits limits) {
        return new RecoveryPointHoldService(provider, provider, teams, teams, holds, operations, attempts, clock, limits);
    }

    /** The active holds of a kind a point and a team may have (ADR 0029, session 38); a wrong setting stops the start. */
    @Context
    HoldLimits holdLimits(@Value("${vpsr.holds.max-active-per-point:" + HoldLimits.DEFAULT_ACTIVE_PER_POINT + "}") int perPoint,
                          @Value("${vpsr.holds.max-active-per-team:" + HoldLimits.DEFAULT_ACTIVE_PER_TEAM + "}") int perTeam) {
        return holdLimitsOf(perPoint, perTeam);
    }

    static HoldLimits holdLimitsOf(int perPoint, int perTeam) {
        if (perPoint < 1) {
            throw new StartupRefused("vpsr.holds.max-active-per-point must be at least 1, not " + perPoint);
        }
        if (perTeam < perPoint) {
            throw new StartupRefused("vpsr.holds.max-active-per-team must be at least vpsr.holds.max-active-per-point ("
                    + perPoint + "), not " + perTeam);
        }
        return new HoldLimits(perPoint, perTeam);
    }

    @Singleton
    ListBackupsUseCase listBackups(SharedListReads provider, ConfiguredTeams teams) {
        return new TeamBackups(provider, teams);
    }

    @Singleton
    CreateManualBackupUseCase createManualBackup(SharedListReads provider, ConfiguredTeams teams, ServerStates servers,
                                                 AuditedAttempts attempts) {
        return new CreateManualBackupService(provider, teams, teams, servers, attempts);
    }

    @Singleton
    ReconcilePendingIntentsService reconcilePendingIntents(MeteredAuditHistory history, SharedListReads provider,
                                                           ServerLock lock, Clock clock,
                                                           @Value("${vpsr.reconcile.settle-after:5m}") Duration settleAfter,
                                                           @Value("${vpsr.restore-window:20m}") Duration restoreWindow,
                                                           RecoveryOperations operations, RecoveryPointHolds holds,
                                                           RecoveryPolicies policies, PendingChanges changes) {
        // Policy changes name no server: their intents are settled from the policy's row (ADR 0036). An approved
        // change's tries are left to the settle job that applies it while it is approved (ADR 0043, session 46).
        return new ReconcilePendingIntentsService(history, provider, provider, lock, clock, settleAfter(settleAfter),
                restoreWindow(restoreWindow), operations, holds, new PolicyIntents(policies, history),
                new PendingChangeIntents(changes, history));
    }

    @Singleton
    ReadOperationsService readOperations(RecoveryOperations operations, Clock clock,
                                         @Value("${micronaut.server.idle-timeout:60s}") Duration idleTimeout, Drain drain) {
        // The server closes a connection silent for its idle timeout, even mid-wait: a wait ends well before it.
        ReadOperationsService read = new ReadOperationsService(operations, clock,
                ReadOperationsService.longestWaitWithin(idleTimeout));
        // A drain waits at most its timeout, then the process exits: a wait is answered as it stands, not cut off.
        drain.whenBegun(read::endWaits);
        return read;
    }

    /**
     * Long audit reads at once on this instance, how many of them one reader may run, and how long one waits for
     * its turn (ADR 0062): a wrong setting stops the start. {@code vpsr.audit.reads.in_use} shows the slots taken.
     * Unset (0), a reader's share is {@link #AUDIT_READS_PER_READER}, or every slot when there are fewer.
     */
    @Context
    @io.micronaut.context.annotation.Primary // the pages' slots are the named ones
    AuditReadSlots auditReadSlots(@Value("${vpsr.audit.reads.concurrent:4}") int concurrent,
                                  @Value("${vpsr.audit.reads.per-reader:0}") int perReader,
                                  @Value("${vpsr.audit.reads.max-wait:2s}") Duration maxWait, MeterRegistry registry) {
        AuditReadSlots slots;
        try {
            int share = perReader == 0 ? Math.min(AUDIT_READS_PER_READER, Math.max(1, concurrent)) : perReader;
            slots = new AuditReadSlots(concurrent, share, maxWait, AUDIT_READS_RETRY_AFTER);
        } catch (IllegalArgumentException invalid) {
            throw new StartupRefused("vpsr.audit.reads.concurrent / vpsr.audit.reads.per-reader / vpsr.audit.reads.max-wait: "
                    + invalid.getMessage());
        }
        Gauge.builder("vpsr.audit.reads.in_use", slots, taken -> concurrent - taken.available())
                .description("Long audit reads (exports, summaries, chain walks, recoverability) running on this instance")
                .register(registry);
        return slots;
    }

    /** Two: an auditor may export while a summary of theirs runs, and two auditors still share four slots. */
    static final int AUDIT_READS_PER_READER = 2;

    /** A refused long read: most take seconds, so a second or two would only be refused again. */
    static final Duration AUDIT_READS_RETRY_AFTER = Duration.ofSeconds(5);

    /**
     * Pages of audit events at once on this instance, and per reader (ADR 0062, session 56): taken at once or refused,
     * 429 past the reader's share, 503 past the instance's, never queued. Each page holds a pooled connection, then a
     * second for its AUDIT_READ event: 512 auditor pages at once starved the pool (16) for every team. A wrong setting
     * stops the start; {@code vpsr.audit.pages.in_use} shows the slots taken. Unset (0), a reader's share is
     * {@link #AUDIT_PAGES_PER_READER}, or every slot when there are fewer, so {@code concurrent=1} alone starts.
     */
    @Context
    @Named("pages")
    AuditReadSlots auditPageSlots(@Value("${vpsr.audit.pages.concurrent:8}") int concurrent,
                                  @Value("${vpsr.audit.pages.per-reader:0}") int perReader, MeterRegistry registry) {
        // Checked here, each in its key's words: AuditReadSlots' own speak of long audit reads (session 56).
        if (concurrent < 1 || concurrent > AuditReadSlots.MOST_CONCURRENT) {
            throw new StartupRefused("vpsr.audit.pages.concurrent (audit pages read at once) must be 1-"
                    + AuditReadSlots.MOST_CONCURRENT + ", was " + concurrent);
        }
        if (perReader < 0 || perReader > concurrent) {
            throw new StartupRefused("vpsr.audit.pages.per-reader (audit pages one reader reads at once) must be 1 to "
                    + "vpsr.audit.pages.concurrent (" + concurrent + "), or 0 for its default, was " + perReader);
        }
        int share = perReader == 0 ? Math.min(AUDIT_PAGES_PER_READER, concurrent) : perReader;
        AuditReadSlots slots = AuditReadSlots.forPages(concurrent, share, AUDIT_PAGES_RETRY_AFTER);
        Gauge.builder("vpsr.audit.pages.in_use", slots, taken -> concurrent - taken.available())
                .description("Pages of audit events being read on this instance")
                .register(registry);
        return slots;
    }

    /** Two: a reader's console and API pages at once, and no one reader holds more than a quarter of the default eight. */
    static final int AUDIT_PAGES_PER_READER = 2;

    /** A refused page: pages take tens of milliseconds, so a second is enough to find a slot free. */
    static final Duration AUDIT_PAGES_RETRY_AFTER = Duration.ofSeconds(1);

    @Singleton
    ListAuditEventsUseCase listAuditEvents(AuditReports reports, AuditReadSlots slots,
                                           @Named("pages") AuditReadSlots pageSlots) {
        return new ListAuditEventsService(reports, slots, pageSlots);
    }

    @Singleton
    VerifyAuditChainUseCase verifyAuditChain(AuditHistory history, ChainPositions positions,
                                             ChainCheckpoints checkpoints, CheckpointKeys trusted, AuditReadSlots slots) {
        return new VerifyAuditChainService(history, positions, checkpoints, trusted, slots);
    }

    @Singleton
    SummarizeAuditUseCase summarizeAudit(AuditReports reports, AuditReadSlots slots) {
        return new SummarizeAuditService(reports, slots);
    }

    @Singleton
    ReportRecoverabilityUseCase reportRecoverability(SharedListReads provider, ConfiguredTeams teams,
                                                     AuditReports reports, Clock clock, AuditReadSlots slots) {
        return new ReportRecoverabilityService(provider, provider, teams, teams, reports, clock, slots);
    }

}
