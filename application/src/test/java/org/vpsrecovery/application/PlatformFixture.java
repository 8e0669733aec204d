package org.vpsrecovery.application;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.application.attempt.TrackingDeadlines;
import org.vpsrecovery.application.restore.ContinueRestoresService;
import org.vpsrecovery.application.restore.SafetySnapshotRotation;
import org.vpsrecovery.application.restore.SafetySnapshotSettings;
import org.vpsrecovery.application.restore.SafetySnapshots;
import org.vpsrecovery.application.snapshot.CreateSnapshotCommand;
import org.vpsrecovery.application.operation.TrackOperationsService;
import org.vpsrecovery.application.audit.AuditReadSlots;
import org.vpsrecovery.application.audit.ListAuditEventsService;
import org.vpsrecovery.application.audit.RecordChainCheckpointService;
import org.vpsrecovery.application.audit.ReportRecoverabilityService;
import org.vpsrecovery.application.audit.SummarizeAuditService;
import org.vpsrecovery.application.audit.VerifyAuditChainService;
import org.vpsrecovery.application.backup.CreateManualBackupService;
import org.vpsrecovery.application.backup.TeamBackups;
import org.vpsrecovery.application.server.RestoreHoldService;
import org.vpsrecovery.application.snapshot.CreateSnapshotService;
import org.vpsrecovery.application.snapshot.TeamSnapshots;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.CheckpointKeys;
import org.vpsrecovery.domain.audit.CheckpointSigner;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.RecoveryLimits;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.port.TeamLimits;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.testing.FixedServerOwnership;
import org.vpsrecovery.domain.testing.InMemoryAuditHistory;
import org.vpsrecovery.domain.testing.InMemoryAuditReports;
import org.vpsrecovery.domain.testing.InMemoryChainCheckpoints;
import org.vpsrecovery.domain.testing.InMemoryRecoveryOperations;
import org.vpsrecovery.domain.testing.InMemoryRecoveryPointHolds;
import org.vpsrecovery.application.hold.RecoveryPointHoldService;
import org.vpsrecovery.application.plan.PlanDestructiveWorkService;
import org.vpsrecovery.application.recoverypoint.DeleteRecoveryPointService;
import org.vpsrecovery.application.recoverypoint.RestoreRecoveryPointService;
import org.vpsrecovery.domain.testing.InMemoryServerLock;
import org.vpsrecovery.domain.testing.InMemoryVpsOrg;
import org.vpsrecovery.domain.testing.AdjustableClock;

/**
 * The application wired to real in-memory fakes of every port: team "blue" owns servers 12345 and
 * 12346, team "green" owns 23456. Limits: the provider's, except team "small" held to 2 and 3.
 */
public final class PlatformFixture {

    public static final TeamId BLUE = new TeamId("blue");
    public static final TeamId GREEN = new TeamId("green");
    public static final ServerId WEB = new ServerId(12345);
    public static final ServerId SPARE = new ServerId(12346);
    public static final ServerId GREEN_SERVER = new ServerId(23456);

    public final AdjustableClock clock = new AdjustableClock(Instant.parse("2026-11-23T09:00:00Z"));
    public final InMemoryVpsOrg provider = new InMemoryVpsOrg(clock);
    public final InMemoryRecoveryOperations operations = new InMemoryRecoveryOperations();
    public final InMemoryAuditHistory history = new InMemoryAuditHistory(operations);
    public final InMemoryAuditReports auditReports = new InMemoryAuditReports(history);
    public final AuditReadSlots auditReadSlots = new AuditReadSlots(4, Duration.ofMillis(200), Duration.ofSeconds(5));
    public final AuditReadSlots auditPageSlots = AuditReadSlots.forPages(8, 2, Duration.ofSeconds(1));
    public final InMemoryChainCheckpoints checkpoints = new InMemoryChainCheckpoints();
    public final CheckpointSigner checkpointSigner = newCheckpointSigner();
    public final ServerRef web = provider.addServer(WEB.value(), "web-server-01");
    public final ServerRef spare = provider.addServer(SPARE.value(), "web-server-02");
    public final ServerRef greenServer = provider.addServer(GREEN_SERVER.value(), "green-db-01");
    public final FixedServerOwnership ownership = new FixedServerOwnership(Map.of(
            BLUE, Set.of(WEB, SPARE),
            GREEN, Set.of(GREEN_SERVER)));
    public final TeamLimits limits = team -> team.value().equals("small")
            ? new RecoveryLimits(2, 3) : RecoveryLimits.PROVIDER_DOCUMENTED;

    private int requests;

    public CallContext as(TeamId team) {
        return new CallContext(team, new RequestId("req-" + (++requests)));
    }

    public final AuditWriter auditWriter = new AuditWriter(history);
    public final InMemoryRecoveryPointHolds holds = new InMemoryRecoveryPointHolds();

    public PlanDestructiveWorkService plans() {
        return new PlanDestructiveWorkService(provider, provider, ownership, serverStates(), holds, attempts(), auditWriter,
                clock);
    }

    public RecoveryPointHoldService recoveryPointHolds() {
        return recoveryPointHolds(org.vpsrecovery.domain.hold.HoldLimits.DEFAULTS);
    }

    public RecoveryPointHoldService recoveryPointHolds(org.vpsrecovery.domain.hold.HoldLimits limits) {
        return recoveryPointHolds(holds, limits);
    }

    /** Over {@code store} rather than {@link #holds}: a test's store that bends a call (a race, a lost commit). */
    public RecoveryPointHoldService recoveryPointHolds(org.vpsrecovery.domain.port.RecoveryPointHolds store,
                                                       org.vpsrecovery.domain.hold.HoldLimits limits) {
        return new RecoveryPointHoldService(provider, provider, ownership, () -> Set.of(BLUE, GREEN), store, operations,
                attempts(), clock, limits);
    }

    /** {@code vpsr.paused-after-restore} for the attempts made after it is set (ADR 0028, amended in session 52). */
    public boolean pausedAfterRestore;

    public AuditedAttempts attempts(ServerLock lock) {
        return new AuditedAttempts(auditWriter, operations, lock, clock, TrackingDeadlines.DEFAULTS, pausedAfterRestore);
    }

    public TrackOperationsService tracker() {
        return new TrackOperationsService(operations, provider, provider, history, auditWriter,
                new InMemoryServerLock(Duration.ofSeconds(5)), clock,
                new TrackOperationsService.Settings(Duration.ofSeconds(5), Duration.ofMinutes(1), 200, Duration.ZERO));
    }

    public AuditedAttempts attempts() {
        return attempts(new InMemoryServerLock(Duration.ofSeconds(30)));
    }

    public ServerStates serverStates() {
        return new ServerStates(operations, history, clock, ServerStates.DOCUMENTED_RESTORE_WINDOW);
    }

    public RestoreHoldService restoreHolds() {
        return new RestoreHoldService(ownership, serverStates(), operations, attempts(), auditWriter, clock);
    }

    public TeamSnapshots listSnapshots() {
        return new TeamSnapshots(provider, ownership);
    }

    public CreateSnapshotService createSnapshot(ServerLock lock) {
        return new CreateSnapshotService(provider, ownership, limits, serverStates(), attempts(lock));
    }

    public CreateSnapshotService createSnapshot() {
        return new CreateSnapshotService(provider, ownership, limits, serverStates(), attempts());
    }

    public RestoreRecoveryPointService restoreSnapshot() {
        return new RestoreRecoveryPointService(provider, provider, ownership, serverStates(), attempts(), clock);
    }

    public DeleteRecoveryPointService deleteSnapshot() {
        return new DeleteRecoveryPointService(provider, provider, ownership, serverStates(), attempts(), holds);
    }

    /** Safety snapshots before restores for teams whose setting {@code settings} says is on (ADR 0029). */
    public SafetySnapshots safetySnapshots(SafetySnapshotSettings settings) {
        return safetySnapshots(settings, SafetySnapshotRotation.NONE);
    }

    /** As above, with {@code rotation} making room at the snapshot limit. */
    public SafetySnapshots safetySnapshots(SafetySnapshotSettings settings, SafetySnapshotRotation rotation) {
        return new SafetySnapshots(settings, rotation,
                (context, restore, server, name, description) -> createSnapshot().createSnapshot(
                        new CreateSnapshotCommand(context, server, name, Optional.of(description), Optional.of(restore))),
                provider, limits, operations, auditWriter, TrackingDeadlines.DEFAULTS, clock);
    }

    public RestoreRecoveryPointService restoreSnapshot(SafetySnapshots safety) {
        return new RestoreRecoveryPointService(provider, provider, ownership, serverStates(), attempts(), clock,
                Optional.of(safety));
    }

    public RestoreRecoveryPointService restoreServerFromBackup(SafetySnapshots safety) {
        return restoreSnapshot(safety);
    }

    public ContinueRestoresService continueRestores(SafetySnapshots safety) {
        return continueRestores(safety, ownership);
    }

    /** As above, judging whose servers are whose by {@code now}: the teams file as it reads after a change. */
    public ContinueRestoresService continueRestores(SafetySnapshots safety, ServerOwnership now) {
        return new ContinueRestoresService(operations, safety, listSnapshots(), listBackups(), now,
                new InMemoryServerLock(Duration.ofSeconds(30)), auditWriter, TrackingDeadlines.DEFAULTS, clock);
    }

    public TeamBackups listBackups() {
        return new TeamBackups(provider, ownership);
    }

    public CreateManualBackupService createManualBackup() {
        return new CreateManualBackupService(provider, ownership, limits, serverStates(), attempts());
    }

    public DeleteRecoveryPointService deleteBackup() {
        return deleteSnapshot();
    }

    public RestoreRecoveryPointService restoreServerFromBackup() {
        return restoreSnapshot();
    }

    public ListAuditEventsService listAuditEvents() {
        return new ListAuditEventsService(auditReports, auditReadSlots, auditPageSlots);
    }

    public VerifyAuditChainService verifyAuditChain() {
        return new VerifyAuditChainService(history, history, checkpoints,
                CheckpointKeys.of(List.of(checkpointSigner.publicKey())), auditReadSlots);
    }

    public RecordChainCheckpointService recordChainCheckpoint() {
        return new RecordChainCheckpointService(history, history, checkpoints, checkpointSigner,
                CheckpointKeys.of(List.of(checkpointSigner.publicKey())), clock);
    }

    public static CheckpointSigner newCheckpointSigner() {
        try {
            return new CheckpointSigner(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public SummarizeAuditService summarizeAudit() {
        return new SummarizeAuditService(auditReports, auditReadSlots);
    }

    public ReportRecoverabilityService reportRecoverability() {
        return new ReportRecoverabilityService(provider, provider, ownership, ownership, auditReports, clock, auditReadSlots);
    }


    /** The audit trail of one request, oldest first, as (operation, outcome kind) pairs. */
    public List<Outcome.Kind> outcomesOf(CallContext context) {
        return history.all().stream()
                .filter(e -> e.requestId().equals(context.requestId()))
                .map(e -> e.outcome().kind())
                .toList();
    }

    public List<AuditEvent> eventsOf(CallContext context) {
        return history.all().stream().filter(e -> e.requestId().equals(context.requestId())).toList();
    }

    public long providerCallsStartingWith(String prefix) {
        return provider.calls().stream().filter(c -> c.startsWith(prefix)).count();
    }

}
