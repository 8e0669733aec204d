package org.vpsrecovery.application.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.GREEN;
import static org.vpsrecovery.application.PlatformFixture.SPARE;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.application.backup.DeleteBackupCommand;
import org.vpsrecovery.application.backup.RestoreServerFromBackupCommand;
import org.vpsrecovery.application.recoverypoint.RestoreRecoveryPointService;
import org.vpsrecovery.application.snapshot.DeleteSnapshotCommand;
import org.vpsrecovery.application.snapshot.RestoreSnapshotCommand;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.server.RecoverySource;
import org.vpsrecovery.domain.server.RestoreHold;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.testing.ForwardingRecoveryOperations;
import org.vpsrecovery.domain.testing.InMemoryServerLock;

/** A restore as a server lifecycle, with the in-memory fakes: the hold shown, protecting its source, released early. */
class RestoreHoldServiceTest {

    private final PlatformFixture platform = new PlatformFixture();
    private final Snapshot snapshot = platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
    private final Snapshot another = platform.provider.addSnapshot(798, platform.web, CreationStatus.COMPLETED);
    private final Backup backup = platform.provider.addBackup(499, platform.web, BackupType.MANUAL, CreationStatus.COMPLETED,
            Optional.empty());
    private final RestoreHoldService holds = platform.restoreHolds();

    private OperationId restoreSnapshot(CallContext context) {
        platform.restoreSnapshot().restoreSnapshot(new RestoreSnapshotCommand(context, snapshot.id()));
        return context.operationId();
    }

    private ReleasedRestoreHold release(CallContext context, ServerId server) {
        return holds.releaseRestoreHold(new ReleaseRestoreHoldCommand(context, server));
    }

    private static ReasonCode reasonOf(Throwable e) {
        return ((RecoveryException) e).reason();
    }

    @Test
    void aRestoreHoldsItsServerWithItsOperationAndSourceUntilTheWindowEnds() {
        assertThat(holds.getServer(BLUE, WEB).hold()).isEmpty();
        OperationId restore = restoreSnapshot(platform.as(BLUE));

        Server held = holds.getServer(BLUE, WEB);

        assertThat(held.isRestoring()).isTrue();
        RestoreHold hold = held.hold().orElseThrow();
        assertThat(hold.operation()).isEqualTo(restore.value());
        assertThat(hold.since()).isEqualTo(platform.clock.instant());
        assertThat(hold.until()).isEqualTo(platform.clock.instant().plus(ServerStates.DOCUMENTED_RESTORE_WINDOW));
        assertThat(hold.source()).isEqualTo(new RecoverySource(RecoverySource.Kind.SNAPSHOT, 801, WEB));

        // The window's end ends it, on every instance: the operations are the one record of it.
        platform.clock.advance(ServerStates.DOCUMENTED_RESTORE_WINDOW);
        assertThat(holds.getServer(BLUE, WEB).hold()).isEmpty();
        assertThatThrownBy(() -> release(platform.as(BLUE), WEB))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.NO_RESTORE_HOLD));
        platform.tracker().tick();
        // Ended as an early release is: unverifiable, VPS.org showing nothing of the server (ADR 0024, session 49).
        assertThat(platform.operations.find(restore).orElseThrow().state()).isEqualTo(OperationState.TIMED_OUT);
    }

    /** After the move GREEN sees its server held until the window's end, but not BLUE's operation or source. */
    @Test
    void theNewOwnerSeesTheFormerOwnersHoldButNotWhoseRestoreItIs() {
        OperationId restore = restoreSnapshot(platform.as(BLUE));
        RestoreHoldService afterTheMove = new RestoreHoldService(new org.vpsrecovery.domain.testing.FixedServerOwnership(
                Map.of(BLUE, java.util.Set.of(SPARE), GREEN, java.util.Set.of(PlatformFixture.GREEN_SERVER, WEB))),
                platform.serverStates(), platform.operations, platform.attempts(), platform.auditWriter, platform.clock);

        Server seen = afterTheMove.getServer(GREEN, WEB);

        assertThat(seen.isRestoring()).isTrue();
        assertThat(seen.hold()).hasValueSatisfying(hold -> {
            assertThat(hold.operationToldTo(GREEN)).isEmpty();
            assertThat(hold.sourceToldTo(GREEN)).isEmpty();
            assertThat(hold.until()).isEqualTo(platform.operations.find(restore).orElseThrow().deadline());
        });
        assertThat(((org.vpsrecovery.domain.common.Decision.Denied) seen.restorabilityFor(GREEN)).detail())
                .doesNotContain(restore.toString());
        // The team that asked still sees its own restore's hold whole.
        assertThat(holds.getServer(BLUE, WEB).hold())
                .hasValueSatisfying(hold -> assertThat(hold.operationToldTo(BLUE)).contains(restore.value()));
    }

    /**
     * The teams file moved WEB to GREEN while BLUE's restores held WEB (from snapshot 801) and SPARE (from WEB's backup
     * 499): GREEN's restore of WEB and its deletes of 801 and 499 are refused until the holds' ends, as before, but
     * neither the refusals (the problem's detail), their audit events nor a dry run name BLUE's operations or SPARE
     * (ADR 0026, amended in session 39).
     */
    @Test
    void theNewOwnersRefusalsTellTheHoldsEndButNotTheFormerOwnersRestores() {
        OperationId ofWeb = restoreSnapshot(platform.as(BLUE));
        CallContext restoringSpare = platform.as(BLUE);
        platform.restoreServerFromBackup().restoreServerFromBackup(
                new RestoreServerFromBackupCommand(restoringSpare, SPARE, backup.id()));
        OperationId ofSpare = restoringSpare.operationId();
        var moved = new org.vpsrecovery.domain.testing.FixedServerOwnership(
                Map.of(BLUE, java.util.Set.of(SPARE), GREEN, java.util.Set.of(PlatformFixture.GREEN_SERVER, WEB)));
        var restoresAfterTheMove = new RestoreRecoveryPointService(platform.provider, platform.provider, moved,
                platform.serverStates(), platform.attempts(), platform.clock);
        var deletesAfterTheMove = new org.vpsrecovery.application.recoverypoint.DeleteRecoveryPointService(
                platform.provider, platform.provider, moved, platform.serverStates(), platform.attempts(), platform.holds);
        var plansAfterTheMove = new org.vpsrecovery.application.plan.PlanDestructiveWorkService(platform.provider,
                platform.provider, moved, platform.serverStates(), platform.holds, platform.attempts(), platform.auditWriter,
                platform.clock);
        String[] blues = {ofWeb.toString(), ofSpare.toString(), "server 12346"};
        List<CallContext> green = new ArrayList<>();

        CallContext restoring = platform.as(GREEN);
        green.add(restoring);
        assertThatThrownBy(() -> restoresAfterTheMove.restoreSnapshot(new RestoreSnapshotCommand(restoring, another.id())))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.SERVER_NOT_RESTORABLE))
                .hasMessageContaining(platform.operations.find(ofWeb).orElseThrow().deadline().toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(blues));
        CallContext deletingSnapshot = platform.as(GREEN);
        green.add(deletingSnapshot);
        assertThatThrownBy(() -> deletesAfterTheMove.deleteSnapshot(new DeleteSnapshotCommand(deletingSnapshot, snapshot.id())))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.RECOVERY_POINT_IN_USE))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(blues))
                .satisfies(e -> assertThat(((org.vpsrecovery.domain.common.RecoveryDenied) e).retryAt())
                        .contains(platform.operations.find(ofWeb).orElseThrow().deadline()));
        CallContext deletingBackup = platform.as(GREEN);
        green.add(deletingBackup);
        assertThatThrownBy(() -> deletesAfterTheMove.deleteBackup(new DeleteBackupCommand(deletingBackup, backup.id())))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.RECOVERY_POINT_IN_USE))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(blues))
                .satisfies(e -> assertThat(((org.vpsrecovery.domain.common.RecoveryDenied) e).retryAt())
                        .contains(platform.operations.find(ofSpare).orElseThrow().deadline()));
        CallContext planning = platform.as(GREEN);
        green.add(planning);
        var plan = plansAfterTheMove.planDeleteBackup(planning, backup.id());
        assertThat(plan.allowed()).isFalse();
        assertThat(plan.toString()).doesNotContain(blues);

        assertThat(platform.providerCallsStartingWith("delete")).isZero();
        for (CallContext refused : green) {
            assertThat(platform.eventsOf(refused)).isNotEmpty().allSatisfy(e -> {
                assertThat(e.team()).isEqualTo(GREEN);
                assertThat(e.toString()).doesNotContain(blues);
            });
        }
        // Before the move BLUE, which asked both restores, was told which one holds its backup.
        assertThatThrownBy(() -> platform.deleteBackup().deleteBackup(new DeleteBackupCommand(platform.as(BLUE), backup.id())))
                .hasMessageContaining(ofSpare.toString()).hasMessageContaining("server 12346");
    }

    /**
     * The teams file moved WEB to GREEN while BLUE's restore held it: GREEN, the owner now, may release the hold,
     * but BLUE's restore's final event (filed under BLUE, to BLUE's webhooks) carries nothing of GREEN's, and
     * GREEN's release event nothing of BLUE's restore.
     */
    @Test
    void theNewOwnerReleasesTheFormerOwnersHoldAndNeitherTeamsDetailsCrossOver() {
        CallContext restoring = platform.as(BLUE);
        OperationId restore = restoreSnapshot(restoring);
        RestoreHoldService afterTheMove = new RestoreHoldService(new org.vpsrecovery.domain.testing.FixedServerOwnership(
                Map.of(BLUE, java.util.Set.of(SPARE), GREEN, java.util.Set.of(PlatformFixture.GREEN_SERVER, WEB))),
                platform.serverStates(), platform.operations, platform.attempts(), platform.auditWriter, platform.clock);
        CallContext releasing = new CallContext(GREEN, new org.vpsrecovery.domain.common.RequestId("req-green-release"),
                OperationId.random(), org.vpsrecovery.domain.audit.Actor.of("carol@green.example",
                        org.vpsrecovery.domain.audit.Actor.Authentication.JWT, "kid-green"));

        ReleasedRestoreHold answer = afterTheMove.releaseRestoreHold(new ReleaseRestoreHoldCommand(releasing, WEB));

        // GREEN is told its server's hold is released, not BLUE's restore (ADR 0026, amended in session 39).
        assertThat(answer.restore()).isEmpty();
        assertThat(answer.server()).isEqualTo(WEB);
        assertThat(answer.until()).isEqualTo(platform.operations.find(restore).orElseThrow().deadline());
        assertThat(answer.releasedAt()).isEqualTo(platform.clock.instant());
        RecoveryOperation released = platform.operations.find(restore).orElseThrow();
        assertThat(released.state()).isEqualTo(OperationState.RELEASED);
        assertThat(released.note()).hasValueSatisfying(note -> assertThat(note).doesNotContain("green", "req-green-release"));
        AuditEvent last = platform.eventsOf(restoring).getLast();
        assertThat(last.team()).isEqualTo(BLUE);
        assertThat(last.outcome().reasonCode()).contains(ReasonCode.RESTORE_HOLD_RELEASED);
        assertThat(last.detail()).doesNotContainValue("carol@green.example").doesNotContainValue("req-green-release")
                .containsEntry(org.vpsrecovery.domain.audit.Actor.SUBJECT, "system");
        assertThat(last.toString()).doesNotContain("green");
        // GREEN's own record of its release: its actor, and nothing of BLUE's restore.
        List<AuditEvent> releaseEvents = platform.eventsOf(releasing);
        assertThat(releaseEvents).extracting(e -> e.outcome().kind())
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED);
        assertThat(releaseEvents).allSatisfy(e -> {
            assertThat(e.team()).isEqualTo(GREEN);
            assertThat(e.detail()).doesNotContainKey(AuditEvent.RESTORE_OPERATION_ID)
                    .containsEntry(org.vpsrecovery.domain.audit.Actor.SUBJECT, "carol@green.example");
            assertThat(e.resource()).isEmpty();
        });
    }

    /**
     * The teams file moved WEB to GREEN while BLUE's restore held it. GREEN's release names no restore (ADR 0026, amended
     * in session 38), so when it is cut short reconciliation finds the restore by the server: the restore that held WEB
     * when the intent was written, released since, settles it COMPLETED; not released, FAILED (amended in session 39).
     */
    @Test
    void theNewOwnersReleaseCutShortIsSettledByWhetherTheHoldOnItsServerWasReleased() {
        OperationId restore = restoreSnapshot(platform.as(BLUE));
        var reconciler = new org.vpsrecovery.application.attempt.ReconcilePendingIntentsService(platform.history,
                platform.provider, platform.provider, new InMemoryServerLock(Duration.ofSeconds(5)), platform.clock,
                Duration.ofMinutes(5), ServerStates.DOCUMENTED_RESTORE_WINDOW, platform.operations, platform.holds);

        // Cut short before the move: the store refused the write, the hold stays.
        CallContext notReleased = platform.as(GREEN);
        assertThatThrownBy(() -> afterTheMoveTo(GREEN, operationsWhoseUpdate((from, next) -> {
            throw new IllegalStateException("connection refused");
        })).releaseRestoreHold(new ReleaseRestoreHoldCommand(notReleased, WEB))).isInstanceOf(PlatformOutcomeUnknown.class);
        platform.clock.advance(Duration.ofMinutes(6));
        reconciler.reconcile(100);
        assertThat(platform.eventsOf(notReleased).getLast().outcome()).isInstanceOfSatisfying(Outcome.Failed.class,
                failed -> assertThat(failed.reason()).isEqualTo(ReasonCode.NO_RESTORE_HOLD));

        // Cut short after the move: the write committed, then the store failed before the outcome.
        CallContext released = platform.as(GREEN);
        assertThatThrownBy(() -> afterTheMoveTo(GREEN, operationsWhoseUpdate((from, next) -> {
            platform.operations.update(from, next);
            throw new IllegalStateException("connection lost after the commit");
        })).releaseRestoreHold(new ReleaseRestoreHoldCommand(released, WEB))).isInstanceOf(PlatformOutcomeUnknown.class);
        assertThat(platform.operations.find(restore).orElseThrow().state()).isEqualTo(OperationState.RELEASED);
        assertThat(platform.outcomesOf(released)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED);
        platform.clock.advance(Duration.ofMinutes(6));
        reconciler.reconcile(100);

        AuditEvent settled = platform.eventsOf(released).getLast();
        assertThat(settled.outcome()).isEqualTo(new Outcome.Completed());
        assertThat(settled.team()).isEqualTo(GREEN);
        assertThat(settled.toString()).doesNotContain(restore.toString());
        // The first, settled before, is not settled again.
        assertThat(platform.outcomesOf(notReleased)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED,
                Outcome.Kind.FAILED);
    }

    /**
     * A hold that ended between the check and the move (another writer moved the restore first) is refused
     * NO_RESTORE_HOLD: to the server's new owner without naming the former owner's restore, in the refusal or in its
     * FAILED event (ADR 0026, amended in session 39); the restore's own team is still told which.
     */
    @Test
    void theNewOwnersReleaseOfAHoldThatEndedMeanwhileDoesNotNameTheFormerOwnersRestore() {
        OperationId restore = restoreSnapshot(platform.as(BLUE));
        RecoveryOperations movedFirst = operationsWhoseUpdate((from, next) -> false);

        CallContext green = platform.as(GREEN);
        assertThatThrownBy(() -> afterTheMoveTo(GREEN, movedFirst).releaseRestoreHold(new ReleaseRestoreHoldCommand(green, WEB)))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.NO_RESTORE_HOLD))
                .satisfies(e -> assertThat(e.getMessage()).contains("ended meanwhile").doesNotContain(restore.toString()));
        AuditEvent failed = platform.eventsOf(green).getLast();
        assertThat(failed.outcome().kind()).isEqualTo(Outcome.Kind.FAILED);
        assertThat(failed.team()).isEqualTo(GREEN);
        assertThat(failed.toString()).doesNotContain(restore.toString());

        CallContext blue = platform.as(BLUE);
        assertThatThrownBy(() -> afterTheMoveTo(BLUE, movedFirst).releaseRestoreHold(new ReleaseRestoreHoldCommand(blue, WEB)))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.NO_RESTORE_HOLD))
                .hasMessageContaining(restore.toString());
    }

    /** The service as the teams file says once WEB is {@code owner}'s, over {@code operations}. */
    private RestoreHoldService afterTheMoveTo(TeamId owner, RecoveryOperations operations) {
        Map<TeamId, java.util.Set<ServerId>> teams = owner.equals(GREEN)
                ? Map.of(BLUE, java.util.Set.of(SPARE), GREEN, java.util.Set.of(PlatformFixture.GREEN_SERVER, WEB))
                : Map.of(BLUE, java.util.Set.of(WEB, SPARE), GREEN, java.util.Set.of(PlatformFixture.GREEN_SERVER));
        return new RestoreHoldService(new org.vpsrecovery.domain.testing.FixedServerOwnership(teams),
                platform.serverStates(), operations, platform.attempts(), platform.auditWriter, platform.clock);
    }

    /** The fixture's operations, with the restore's move done by {@code update} (a store failing, another writer first). */
    private RecoveryOperations operationsWhoseUpdate(java.util.function.BiPredicate<RecoveryOperation, RecoveryOperation> update) {
        return new ForwardingRecoveryOperations(platform.operations) {
            @Override
            public boolean update(RecoveryOperation from, RecoveryOperation next) {
                return update.test(from, next);
            }
        };
    }

    @Test
    void theSourceIsKeptUntilTheOwnerReleasesTheHoldEarlyAuditedThenItGoesAndANewRestoreIsAllowed() {
        CallContext restoring = platform.as(BLUE);
        OperationId restore = restoreSnapshot(restoring);
        CallContext refusedDelete = platform.as(BLUE);

        assertThatThrownBy(() -> platform.deleteSnapshot().deleteSnapshot(new DeleteSnapshotCommand(refusedDelete, snapshot.id())))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.RECOVERY_POINT_IN_USE))
                .hasMessageContaining(restore.toString())
                // Refused until the hold ends: the web layer turns that into Retry-After.
                .satisfies(e -> assertThat(((org.vpsrecovery.domain.common.RecoveryDenied) e).retryAt())
                        .contains(platform.operations.find(restore).orElseThrow().deadline()));
        assertThat(platform.outcomesOf(refusedDelete)).containsExactly(Outcome.Kind.REJECTED);
        assertThat(platform.providerCallsStartingWith("delete")).isZero();

        platform.clock.advance(Duration.ofMinutes(11)); // VPS.org's own restore (10 min in the fake) is over
        CallContext releasing = platform.as(BLUE);
        ReleasedRestoreHold answer = release(releasing, WEB);

        // The team that asked the restore is answered with it, released.
        RecoveryOperation released = answer.restore().orElseThrow();
        assertThat(released.id()).isEqualTo(restore);
        assertThat(released.state()).isEqualTo(OperationState.RELEASED);
        assertThat(platform.operations.find(restore)).contains(released);
        assertThat(holds.getServer(BLUE, WEB).hold()).isEmpty();
        // The release: intent, then outcome, naming the restore it ended.
        List<AuditEvent> releaseEvents = platform.eventsOf(releasing);
        assertThat(releaseEvents).extracting(e -> e.outcome().kind())
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED);
        assertThat(releaseEvents).allSatisfy(e -> {
            assertThat(e.operation()).isEqualTo(Operation.RELEASE_RESTORE_HOLD);
            assertThat(e.detail()).containsEntry(AuditEvent.RESTORE_OPERATION_ID, restore.toString())
                    .containsEntry(AuditEvent.ATTEMPT_ID, releasing.operationId().toString());
            assertThat(e.resource()).contains(ResourceRef.of(snapshot.id()));
        });
        // The restore's own end says it was released, and that VPS.org cannot tell whether it finished.
        AuditEvent end = platform.eventsOf(restoring).getLast();
        assertThat(end.outcome()).isInstanceOfSatisfying(Outcome.Unverifiable.class,
                u -> assertThat(u.reason()).isEqualTo(ReasonCode.RESTORE_HOLD_RELEASED));
        assertThat(end.detail()).containsEntry(AuditEvent.ATTEMPT_ID, restore.toString());

        platform.deleteSnapshot().deleteSnapshot(new DeleteSnapshotCommand(platform.as(BLUE), snapshot.id()));
        assertThat(platform.provider.snapshot(snapshot.id())).isEmpty();
        platform.restoreSnapshot().restoreSnapshot(new RestoreSnapshotCommand(platform.as(BLUE), another.id()));
        assertThat(holds.getServer(BLUE, WEB).hold().orElseThrow().source().is(RecoverySource.Kind.SNAPSHOT, 798)).isTrue();
        // Released is final: the tracker leaves it as it is.
        platform.tracker().tick();
        assertThat(platform.operations.find(restore).orElseThrow().state()).isEqualTo(OperationState.RELEASED);
    }

    @Test
    void withNoHoldAReleaseIsRefusedAndAnotherTeamSeesNoServer() {
        CallContext idle = platform.as(BLUE);
        assertThatThrownBy(() -> release(idle, WEB))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.NO_RESTORE_HOLD));
        assertThat(platform.outcomesOf(idle)).containsExactly(Outcome.Kind.REJECTED);

        OperationId restore = restoreSnapshot(platform.as(BLUE));
        CallContext green = platform.as(GREEN);
        assertThatThrownBy(() -> release(green, WEB)).isInstanceOf(ResourceNotFound.class)
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.SERVER_NOT_FOUND));
        assertThat(platform.outcomesOf(green)).containsExactly(Outcome.Kind.REJECTED);
        assertThatThrownBy(() -> holds.getServer(GREEN, WEB)).isInstanceOf(ResourceNotFound.class);
        assertThat(platform.operations.find(restore).orElseThrow().state()).isEqualTo(OperationState.IN_PROGRESS);
    }

    /**
     * A hold released early tells what waits for its end (the policy runs it put off), once the release is stored, with
     * the window's end it had; a refused release tells nothing, and a listener failing does not undo the release (ADR
     * 0028, amended in session 51).
     */
    @Test
    void aHoldReleasedEarlyTellsWhatWaitsForItsEndAndARefusedReleaseTellsNothing() {
        java.util.List<String> told = new java.util.ArrayList<>();
        RestoreHoldService listened = new RestoreHoldService(platform.ownership, platform.serverStates(),
                platform.operations, platform.attempts(), platform.auditWriter, platform.clock,
                (server, heldUntil) -> told.add(server.value() + " until " + heldUntil));
        assertThatThrownBy(() -> listened.releaseRestoreHold(new ReleaseRestoreHoldCommand(platform.as(BLUE), WEB)))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.NO_RESTORE_HOLD));
        assertThat(told).isEmpty();

        restoreSnapshot(platform.as(BLUE));
        java.time.Instant until = listened.getServer(BLUE, WEB).hold().orElseThrow().until();
        ReleasedRestoreHold released = listened.releaseRestoreHold(new ReleaseRestoreHoldCommand(platform.as(BLUE), WEB));

        assertThat(released.until()).isEqualTo(until);
        assertThat(told).containsExactly(WEB.value() + " until " + until);

        // VPS.org's restore over, another one, whose release's listener fails.
        platform.clock.advance(ServerStates.DOCUMENTED_RESTORE_WINDOW);
        restoreSnapshot(platform.as(BLUE));
        RestoreHoldService failing = new RestoreHoldService(platform.ownership, platform.serverStates(),
                platform.operations, platform.attempts(), platform.auditWriter, platform.clock, (server, heldUntil) -> {
                    throw new IllegalStateException("the scheduler's table is out of reach");
                });
        assertThat(failing.releaseRestoreHold(new ReleaseRestoreHoldCommand(platform.as(BLUE), WEB)).server()).isEqualTo(WEB);
        assertThat(failing.getServer(BLUE, WEB).hold()).isEmpty();
    }

    @Test
    void aBackupOfOneServerRestoringAnotherIsKeptThoughItsOwnServerIsNotRestoring() {
        CallContext restoring = platform.as(BLUE);
        platform.restoreServerFromBackup().restoreServerFromBackup(
                new RestoreServerFromBackupCommand(restoring, SPARE, backup.id()));
        OperationId restore = restoring.operationId();

        RestoreHold hold = holds.getServer(BLUE, SPARE).hold().orElseThrow();
        assertThat(hold.operation()).isEqualTo(restore.value());
        assertThat(hold.source()).isEqualTo(new RecoverySource(RecoverySource.Kind.BACKUP, 499, WEB));
        assertThat(holds.getServer(BLUE, WEB).isRestoring()).isFalse();

        CallContext refused = platform.as(BLUE);
        assertThatThrownBy(() -> platform.deleteBackup().deleteBackup(new DeleteBackupCommand(refused, backup.id())))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.RECOVERY_POINT_IN_USE));
        assertThat(platform.outcomesOf(refused)).containsExactly(Outcome.Kind.REJECTED);
        // WEB's other points are WEB's to delete: it is not the server being restored.
        platform.deleteSnapshot().deleteSnapshot(new DeleteSnapshotCommand(platform.as(BLUE), another.id()));

        release(platform.as(BLUE), SPARE);
        platform.deleteBackup().deleteBackup(new DeleteBackupCommand(platform.as(BLUE), backup.id()));
        assertThat(platform.provider.backup(backup.id())).isEmpty();
    }

    /**
     * The caller is told the release may have been done (PLATFORM_OUTCOME_UNKNOWN: read the server first), not "come back
     * after Retry-After" (PLATFORM_UNAVAILABLE), which says nothing was done (ADR 0023, amended in session 44).
     */
    @Test
    void aStoreFailingDuringTheReleaseIsUnresolvedNotRefusedAndTheCallerIsToldItMayBeDone() {
        OperationId restore = restoreSnapshot(platform.as(BLUE));
        // The operations store as the database would fail it: reads work, the write does not.
        RecoveryOperations failingWrites = new ForwardingRecoveryOperations(platform.operations) {
            @Override
            public boolean update(RecoveryOperation from, RecoveryOperation next) {
                throw new IllegalStateException("connection refused");
            }

            @Override
            public boolean update(RecoveryOperation from, RecoveryOperation next, ApprovalStep step) {
                throw new IllegalStateException("connection refused");
            }

            @Override
            public void approvalEventWritten(OperationId id, ApprovalStep step) {
                throw new IllegalStateException("connection refused");
            }
        };
        var service = new RestoreHoldService(platform.ownership, platform.serverStates(), failingWrites,
                platform.attempts(), platform.auditWriter, platform.clock);
        CallContext releasing = platform.as(BLUE);

        assertThatThrownBy(() -> service.releaseRestoreHold(new ReleaseRestoreHoldCommand(releasing, WEB)))
                .isInstanceOf(PlatformOutcomeUnknown.class);

        // Written once, as not known: reconciliation settles it from the restore's operation.
        assertThat(platform.outcomesOf(releasing)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED);
        assertThat(platform.operations.find(restore).orElseThrow().state()).isEqualTo(OperationState.IN_PROGRESS);
        assertThat(holds.getServer(BLUE, WEB).hold()).isPresent();
    }

    @Test
    void aRestoreFromAnotherServersBackupTakesBothLocksLowestIdFirst() {
        List<ServerId> taken = new ArrayList<>();
        ServerLock inner = new InMemoryServerLock(Duration.ofSeconds(5));
        ServerLock recording = new ServerLock() {
            @Override
            public <T> T callExclusively(ServerId server, Supplier<T> work) {
                synchronized (taken) {
                    taken.add(server);
                }
                return inner.callExclusively(server, work);
            }
        };
        var restore = new RestoreRecoveryPointService(platform.provider, platform.provider, platform.ownership,
                platform.serverStates(), platform.attempts(recording), platform.clock);

        restore.restoreServerFromBackup(new RestoreServerFromBackupCommand(platform.as(BLUE), SPARE, backup.id()));

        // WEB (12345) before SPARE (12346), though SPARE is the one restored.
        assertThat(taken).containsExactly(WEB, SPARE);
    }
}
