package org.vpsrecovery.application.hold;

import org.vpsrecovery.domain.operation.RecoveryOperation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.GREEN;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.attempt.ReconcilePendingIntentsService;
import org.vpsrecovery.application.backup.DeleteBackupCommand;
import org.vpsrecovery.application.snapshot.DeleteSnapshotCommand;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.AccessDenied;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldKind;
import org.vpsrecovery.domain.hold.HoldLimits;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.testing.ForwardingRecoveryPointHolds;
import org.vpsrecovery.domain.testing.InMemoryServerLock;

/** Holds on snapshots and backups with the in-memory fakes: placed, blocking every delete, released, audited. */
class RecoveryPointHoldServiceTest {

    private final PlatformFixture platform = new PlatformFixture();
    private final RecoveryPointHoldService holds = platform.recoveryPointHolds();
    private static final ResourceRef SNAPSHOT = new ResourceRef(ResourceRef.Type.SNAPSHOT, 801);
    private static final ResourceRef BACKUP = new ResourceRef(ResourceRef.Type.BACKUP, 499);
    private static final HoldActor BLUE_TEAM = new HoldActor.Team(BLUE);
    private static final HoldActor AUDITOR = new HoldActor.Auditor("compliance");
    private int requests;

    RecoveryPointHoldServiceTest() {
        platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        platform.provider.addBackup(499, platform.spare, BackupType.MANUAL, CreationStatus.COMPLETED, Optional.empty());
    }

    private HoldCaller caller(HoldActor actor) {
        return new HoldCaller(actor, new RequestId("hold-" + (++requests)), OperationId.random());
    }

    private RecoveryPointHold place(HoldActor actor, ResourceRef point, String reason) {
        return holds.placeHold(new PlaceHoldCommand(caller(actor), point, new HoldReason(reason)));
    }

    private RecoveryPointHold release(HoldActor actor, RecoveryPointHold hold) {
        return holds.releaseHold(new ReleaseHoldCommand(caller(actor), hold.point(), hold.id()));
    }

    /** Settles intents left without their outcome, as the job does: five minutes after them, holds read from the store. */
    private ReconcilePendingIntentsService reconciler() {
        return new ReconcilePendingIntentsService(platform.history, platform.provider, platform.provider,
                new InMemoryServerLock(Duration.ofSeconds(5)), platform.clock, Duration.ofMinutes(5), Duration.ofMinutes(15),
                platform.operations, platform.holds);
    }

    private void deleteSnapshot(CallContext context) {
        platform.deleteSnapshot().deleteSnapshot(new DeleteSnapshotCommand(context, new SnapshotId(801)));
    }

    @Test
    void aHeldSnapshotIsNotDeletedUntilItsHoldIsReleasedAndBothAreAudited() {
        RecoveryPointHold hold = place(BLUE_TEAM, SNAPSHOT, "incident 42: keep the state before the upgrade");
        assertThat(hold.kind()).isEqualTo(HoldKind.TEAM);
        assertThat(hold.server()).isEqualTo(PlatformFixture.WEB);
        assertThat(holds.listHolds(BLUE_TEAM, SNAPSHOT, Optional.empty(), 100).items()).containsExactly(hold);

        CallContext refused = platform.as(BLUE);
        assertThatThrownBy(() -> deleteSnapshot(refused)).isInstanceOfSatisfying(RecoveryDenied.class,
                d -> assertThat(d.reason()).isEqualTo(ReasonCode.RECOVERY_POINT_HELD));
        assertThat(platform.eventsOf(refused)).singleElement().satisfies(e ->
                assertThat(e.outcome()).isEqualTo(new Outcome.Rejected(ReasonCode.RECOVERY_POINT_HELD)));
        assertThat(platform.providerCallsStartingWith("delete snapshot")).isZero();

        RecoveryPointHold released = release(BLUE_TEAM, hold);
        assertThat(released.isActive()).isFalse();
        deleteSnapshot(platform.as(BLUE));
        assertThat(platform.provider.snapshot(new SnapshotId(801))).isEmpty();

        var placing = platform.history.all().stream().filter(e -> e.operation() == Operation.PLACE_RECOVERY_POINT_HOLD).toList();
        assertThat(placing).extracting(e -> e.outcome().kind()).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED);
        assertThat(placing).allSatisfy(e -> {
            assertThat(e.team()).isEqualTo(BLUE);
            assertThat(e.resource()).contains(SNAPSHOT);
            assertThat(e.detail()).containsEntry(AuditEvent.HOLD_ID, hold.id().toString())
                    .containsEntry(AuditEvent.HOLD_REASON, "incident 42: keep the state before the upgrade")
                    .containsEntry(AuditEvent.ACTOR, "team:blue").containsEntry(AuditEvent.HOLD_KIND, "team");
        });
        assertThat(platform.history.all().stream().filter(e -> e.operation() == Operation.RELEASE_RECOVERY_POINT_HOLD))
                .extracting(e -> e.outcome().kind()).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED);
    }

    @Test
    void everyHoldMustBeReleasedAndALegalHoldOnlyByAnAuditor() {
        RecoveryPointHold own = place(BLUE_TEAM, BACKUP, "quarterly close");
        RecoveryPointHold legal = place(AUDITOR, BACKUP, "litigation hold 2026-17");
        assertThat(legal.kind()).isEqualTo(HoldKind.LEGAL);
        assertThat(legal.team()).isEqualTo(BLUE);
        assertThat(holds.listHolds(BLUE_TEAM, BACKUP, Optional.empty(), 100).items()).containsExactlyInAnyOrder(own, legal);

        release(BLUE_TEAM, own);
        assertThatThrownBy(() -> platform.deleteBackup().deleteBackup(new DeleteBackupCommand(platform.as(BLUE), new BackupId(499))))
                .isInstanceOfSatisfying(RecoveryDenied.class, d -> assertThat(d.reason()).isEqualTo(ReasonCode.RECOVERY_POINT_HELD));

        HoldCaller team = caller(BLUE_TEAM);
        assertThatThrownBy(() -> holds.releaseHold(new ReleaseHoldCommand(team, BACKUP, legal.id())))
                .isInstanceOfSatisfying(AccessDenied.class, d -> assertThat(d.reason()).isEqualTo(ReasonCode.LEGAL_HOLD_NOT_RELEASABLE));
        assertThat(platform.history.all().stream().filter(e -> e.requestId().equals(team.requestId())))
                .singleElement().satisfies(e -> assertThat(e.outcome())
                        .isEqualTo(new Outcome.Rejected(ReasonCode.LEGAL_HOLD_NOT_RELEASABLE)));
        assertThatThrownBy(() -> release(AUDITOR, own)).isInstanceOfSatisfying(RecoveryException.class,
                d -> assertThat(d.reason()).isEqualTo(ReasonCode.HOLD_ALREADY_RELEASED));

        RecoveryPointHold releasedByAuditor = release(new HoldActor.Auditor("second-auditor"), legal);
        assertThat(releasedByAuditor.release()).hasValueSatisfying(r ->
                assertThat(r.by()).isEqualTo(new HoldActor.Auditor("second-auditor")));
        platform.deleteBackup().deleteBackup(new DeleteBackupCommand(platform.as(BLUE), new BackupId(499)));
        assertThat(platform.history.all().stream().filter(e -> e.operation() == Operation.PLACE_RECOVERY_POINT_HOLD
                && e.detail().get(AuditEvent.HOLD_KIND).equals("legal")))
                .allSatisfy(e -> assertThat(e.detail()).containsEntry(AuditEvent.ACTOR, "auditor:compliance"));
    }

    @Test
    void anotherTeamsPointIsNotFoundAndItsHoldsAreNotShown() {
        RecoveryPointHold hold = place(BLUE_TEAM, SNAPSHOT, "keep");
        HoldActor green = new HoldActor.Team(GREEN);
        assertThatThrownBy(() -> place(green, SNAPSHOT, "mine?")).isInstanceOfSatisfying(ResourceNotFound.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.SNAPSHOT_NOT_FOUND));
        assertThatThrownBy(() -> holds.listHolds(green, SNAPSHOT, Optional.empty(), 100)).isInstanceOf(ResourceNotFound.class);
        assertThatThrownBy(() -> release(green, hold)).isInstanceOfSatisfying(ResourceNotFound.class,
                e -> assertThat(e.reason()).isEqualTo(ReasonCode.HOLD_NOT_FOUND));
        assertThatThrownBy(() -> place(BLUE_TEAM, new ResourceRef(ResourceRef.Type.SNAPSHOT, 9999), "gone"))
                .isInstanceOf(ResourceNotFound.class);
        assertThat(holds.listHolds(AUDITOR, SNAPSHOT, Optional.empty(), 100).items()).containsExactly(hold);
        assertThat(holds.listHolds(BLUE_TEAM, BACKUP, Optional.empty(), 100).items()).isEmpty();
    }

    @Test
    void aPlacementThatFindsThePointDeletedUnderTheLockIsRefusedAndHoldsNothing() {
        // The delete went first (it holds the lock in the real race): the placement then reads the server afresh.
        deleteSnapshot(platform.as(BLUE));
        assertThatThrownBy(() -> place(BLUE_TEAM, SNAPSHOT, "too late")).isInstanceOf(ResourceNotFound.class);
        assertThat(platform.holds.heldAmong(java.util.List.of(SNAPSHOT))).isEmpty();
    }

    @Test
    void aPlacementCutShortIsSettledByReconciliationFromTheStoredHold() {
        RecoveryPointHold hold = place(BLUE_TEAM, SNAPSHOT, "keep");
        ReconcilePendingIntentsService reconciler = reconciler();
        // An intent without its outcome (a crash after the hold was stored): written as the attempt wrote it.
        var intent = platform.history.all().stream().filter(e -> e.operation() == Operation.PLACE_RECOVERY_POINT_HOLD
                && e.outcome().kind() == Outcome.Kind.ACCEPTED).findFirst().orElseThrow();
        var crashed = new org.vpsrecovery.domain.audit.AuditEvent(intent.occurredAt(), intent.team(), new RequestId("crashed"),
                intent.operation(), intent.server(), intent.resource(), new Outcome.Accepted(), java.util.OptionalInt.empty(),
                java.util.Map.of(AuditEvent.ATTEMPT_ID, OperationId.random().toString(), AuditEvent.HOLD_ID, hold.id().toString()));
        platform.history.append(crashed);
        var lost = new org.vpsrecovery.domain.audit.AuditEvent(intent.occurredAt(), intent.team(), new RequestId("lost"),
                intent.operation(), intent.server(), intent.resource(), new Outcome.Accepted(), java.util.OptionalInt.empty(),
                java.util.Map.of(AuditEvent.ATTEMPT_ID, OperationId.random().toString(), AuditEvent.HOLD_ID, OperationId.random().toString()));
        platform.history.append(lost);
        platform.clock.advance(Duration.ofMinutes(6));

        assertThat(reconciler.reconcile(100)).isEqualTo(2);
        assertThat(platform.history.all().stream().filter(e -> e.requestId().value().equals("crashed")).toList().getLast()
                .outcome()).isEqualTo(new Outcome.Completed());
        assertThat(platform.history.all().stream().filter(e -> e.requestId().value().equals("lost")).toList().getLast()
                .outcome()).isInstanceOfSatisfying(Outcome.Failed.class, f -> assertThat(f.reason()).isEqualTo(ReasonCode.PLATFORM_UNAVAILABLE));
    }

    @Test
    void aReleaseCutShortIsCompletedOnlyIfTheStoredReleaseIsItsOwn() {
        RecoveryPointHold legal = place(AUDITOR, SNAPSHOT, "litigation hold");
        ReconcilePendingIntentsService reconciler = reconciler();
        // Auditor "compliance" began a release that was cut short after its intent ...
        platform.history.append(new AuditEvent(platform.clock.instant(), BLUE, new RequestId("cut-short"),
                Operation.RELEASE_RECOVERY_POINT_HOLD, Optional.of(platform.web.id()), Optional.of(SNAPSHOT), new Outcome.Accepted(),
                java.util.OptionalInt.empty(), java.util.Map.of(AuditEvent.ATTEMPT_ID, OperationId.random().toString(),
                        AuditEvent.HOLD_ID, legal.id().toString(), AuditEvent.ACTOR, AUDITOR.wireName())));
        // ... and another auditor released the hold afterwards.
        platform.clock.advance(Duration.ofMinutes(1));
        release(new HoldActor.Auditor("second-auditor"), legal);
        platform.clock.advance(Duration.ofMinutes(6));

        assertThat(reconciler.reconcile(100)).isEqualTo(1);
        assertThat(platform.history.all().stream().filter(e -> e.requestId().value().equals("cut-short")).toList().getLast()
                .outcome()).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
                    assertThat(f.reason()).isEqualTo(ReasonCode.HOLD_ALREADY_RELEASED);
                    assertThat(f.cause()).contains("auditor:second-auditor");
                });
    }

    /**
     * During a rolling restart over a teams-file move, GREEN (the new owner) began a release that was cut short, and an
     * instance still on the old file let BLUE release the hold. GREEN's outcome says the hold was released by another,
     * but not that it was BLUE: it is filed under GREEN, told what GREEN is told of the hold (ADR 0029, amended in
     * session 48).
     */
    @Test
    void aMovedServersReleaseCutShortDoesNotNameTheFormerOwnerInTheNewOwnersOutcome() {
        RecoveryPointHold hold = place(BLUE_TEAM, SNAPSHOT, "before the move");
        ReconcilePendingIntentsService reconciler = reconciler();
        platform.history.append(new AuditEvent(platform.clock.instant(), GREEN, new RequestId("cut-short"),
                Operation.RELEASE_RECOVERY_POINT_HOLD, Optional.of(platform.web.id()), Optional.of(SNAPSHOT), new Outcome.Accepted(),
                java.util.OptionalInt.empty(), java.util.Map.of(AuditEvent.ATTEMPT_ID, OperationId.random().toString(),
                        AuditEvent.HOLD_ID, hold.id().toString(), AuditEvent.ACTOR, new HoldActor.Team(GREEN).wireName())));
        platform.clock.advance(Duration.ofMinutes(1));
        release(BLUE_TEAM, hold);
        platform.clock.advance(Duration.ofMinutes(6));

        assertThat(reconciler.reconcile(100)).isEqualTo(1);
        AuditEvent outcome = platform.history.all().stream().filter(e -> e.requestId().value().equals("cut-short")).toList()
                .getLast();
        assertThat(outcome.team()).isEqualTo(GREEN);
        assertThat(outcome.outcome()).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
            assertThat(f.reason()).isEqualTo(ReasonCode.HOLD_ALREADY_RELEASED);
            assertThat(f.cause()).contains("the server's former owner");
        });
        assertThat(outcome.toString()).doesNotContain("blue");
    }

    @Test
    void aPointWhoseDeleteIsUnderWayCannotBeHeldUntilThatDeleteHasEnded() {
        // A delete accepted and stored, not yet seen to its end (the instance died before VPS.org answered).
        RecoveryOperation deleting = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("delete-801"),
                Operation.DELETE_SNAPSHOT, PlatformFixture.WEB, Optional.of(SNAPSHOT), platform.clock.instant(),
                java.time.Duration.ofMinutes(10));
        platform.operations.add(deleting);

        assertThatThrownBy(() -> place(BLUE_TEAM, SNAPSHOT, "keep it")).isInstanceOfSatisfying(RecoveryDenied.class, d -> {
            assertThat(d.reason()).isEqualTo(ReasonCode.RECOVERY_POINT_BEING_DELETED);
            assertThat(d.getMessage()).contains("(operation " + deleting.id() + ")");
        });
        assertThatThrownBy(() -> place(AUDITOR, SNAPSHOT, "legal: keep it")).isInstanceOfSatisfying(RecoveryDenied.class,
                d -> assertThat(d.reason()).isEqualTo(ReasonCode.RECOVERY_POINT_BEING_DELETED));
        assertThat(platform.holds.on(SNAPSHOT)).isEmpty();
        assertThat(platform.history.all()).filteredOn(e -> e.operation() == Operation.PLACE_RECOVERY_POINT_HOLD)
                .extracting(e -> e.outcome()).containsOnly(new Outcome.Rejected(ReasonCode.RECOVERY_POINT_BEING_DELETED));

        // The delete ended without happening (VPS.org refused it): the point stays, and may be held.
        platform.operations.update(deleting, deleting.refused(platform.clock.instant(), "VPS.org refused it"));
        assertThat(place(BLUE_TEAM, SNAPSHOT, "keep it").point()).isEqualTo(SNAPSHOT);
    }

    /** A delete asked by another team (the server's former owner) is not named to the placer by its id (session 51). */
    @Test
    void aRefusalForAnotherTeamsDeleteDoesNotNameItsOperation() {
        RecoveryOperation deleting = RecoveryOperation.accepted(OperationId.random(), GREEN, new RequestId("delete-801"),
                Operation.DELETE_SNAPSHOT, PlatformFixture.WEB, Optional.of(SNAPSHOT), platform.clock.instant(),
                java.time.Duration.ofMinutes(10));
        platform.operations.add(deleting);

        assertThatThrownBy(() -> place(BLUE_TEAM, SNAPSHOT, "keep it")).isInstanceOfSatisfying(RecoveryDenied.class, d -> {
            assertThat(d.reason()).isEqualTo(ReasonCode.RECOVERY_POINT_BEING_DELETED);
            assertThat(d.getMessage()).doesNotContain(deleting.id().toString()).contains("is being deleted");
        });
    }

    /**
     * Past the active holds of a kind a point may have, or its team, a placement is refused before any intent and
     * nothing is stored (ADR 0029, session 38): a script at its team's rate cannot grow the rows a delete's check reads.
     * Counted by kind (a team's holds never keep a legal hold out); a released hold no longer counts.
     */
    @Test
    void aPlacementPastThePointsOrTheTeamsActiveHoldsIsRefusedAndStoresNothing() {
        platform.provider.addSnapshot(802, platform.spare, CreationStatus.COMPLETED);
        RecoveryPointHoldService limited = platform.recoveryPointHolds(new HoldLimits(2, 3));
        ResourceRef other = new ResourceRef(ResourceRef.Type.SNAPSHOT, 802);
        HoldCaller first = caller(BLUE_TEAM);
        RecoveryPointHold kept = limited.placeHold(new PlaceHoldCommand(first, SNAPSHOT, new HoldReason("one")));
        limited.placeHold(new PlaceHoldCommand(caller(BLUE_TEAM), SNAPSHOT, new HoldReason("two")));

        assertThatThrownBy(() -> limited.placeHold(new PlaceHoldCommand(caller(BLUE_TEAM), SNAPSHOT, new HoldReason("three"))))
                .isInstanceOfSatisfying(RecoveryDenied.class, d -> {
                    assertThat(d.reason()).isEqualTo(ReasonCode.HOLD_LIMIT_REACHED);
                    assertThat(d.getMessage()).contains("recovery point has at most 2");
                });
        AuditEvent refused = platform.history.all().get(platform.history.all().size() - 1);
        assertThat(refused.operation()).isEqualTo(Operation.PLACE_RECOVERY_POINT_HOLD);
        assertThat(refused.outcome()).isInstanceOf(Outcome.Rejected.class);
        assertThat(platform.holds.on(SNAPSHOT)).hasSize(2);
        assertThat(limited.placeHold(new PlaceHoldCommand(caller(AUDITOR), SNAPSHOT, new HoldReason("legal"))).kind())
                .isEqualTo(HoldKind.LEGAL);

        limited.placeHold(new PlaceHoldCommand(caller(BLUE_TEAM), other, new HoldReason("three, elsewhere")));
        assertThatThrownBy(() -> limited.placeHold(new PlaceHoldCommand(caller(BLUE_TEAM), BACKUP, new HoldReason("four"))))
                .isInstanceOfSatisfying(RecoveryDenied.class, d -> {
                    assertThat(d.reason()).isEqualTo(ReasonCode.HOLD_LIMIT_REACHED);
                    assertThat(d.getMessage()).contains("team has at most 3");
                });
        assertThat(platform.holds.on(BACKUP)).isEmpty();

        limited.releaseHold(new ReleaseHoldCommand(caller(BLUE_TEAM), SNAPSHOT, kept.id()));
        assertThat(limited.placeHold(new PlaceHoldCommand(caller(BLUE_TEAM), BACKUP, new HoldReason("four, now"))).isActive())
                .isTrue();
    }

    @Test
    void theHoldsOfAPointArePagedNewestFirstAndAGoneCursorIsNotFound() {
        RecoveryPointHold older = place(BLUE_TEAM, SNAPSHOT, "older");
        platform.clock.advance(Duration.ofSeconds(1));
        RecoveryPointHold newer = place(BLUE_TEAM, SNAPSHOT, "newer");

        KeysetPage<RecoveryPointHold, HoldId> first = holds.listHolds(BLUE_TEAM, SNAPSHOT, Optional.empty(), 1);
        assertThat(first.items()).containsExactly(newer);
        assertThat(first.next()).contains(newer.id());
        // Exactly full and the last: no next, never a pointer to an empty page (session 42).
        KeysetPage<RecoveryPointHold, HoldId> last = holds.listHolds(BLUE_TEAM, SNAPSHOT, Optional.of(newer.id()), 1);
        assertThat(last.items()).containsExactly(older);
        assertThat(last.next()).isEmpty();
        assertThat(holds.listHolds(BLUE_TEAM, SNAPSHOT, Optional.of(older.id()), 1).items()).isEmpty();
        assertThatThrownBy(() -> holds.listHolds(BLUE_TEAM, BACKUP, Optional.of(older.id()), 1))
                .isInstanceOfSatisfying(ResourceNotFound.class, n -> assertThat(n.reason()).isEqualTo(ReasonCode.HOLD_NOT_FOUND));
    }

    /**
     * A page of the most a page may list: one more hold than shown is read in a second store page (the store's pages
     * are at most MAX_PAGE), so exactly MAX_PAGE holds end without next and one more sets it (session 42).
     */
    @Test
    void aPageOfTheMostAPageListsSaysWhetherMoreFollow() {
        java.util.List<RecoveryPointHold> oldestFirst = new java.util.ArrayList<>();
        for (int i = 0; i < RecoveryPointHolds.MAX_PAGE; i++) {
            oldestFirst.add(placed(i));
        }
        KeysetPage<RecoveryPointHold, HoldId> exactlyAll = holds.listHolds(BLUE_TEAM, SNAPSHOT, Optional.empty(), RecoveryPointHolds.MAX_PAGE);
        assertThat(exactlyAll.items()).hasSize(RecoveryPointHolds.MAX_PAGE);
        assertThat(exactlyAll.next()).isEmpty();

        RecoveryPointHold newest = placed(RecoveryPointHolds.MAX_PAGE);
        KeysetPage<RecoveryPointHold, HoldId> full = holds.listHolds(BLUE_TEAM, SNAPSHOT, Optional.empty(), RecoveryPointHolds.MAX_PAGE);
        assertThat(full.items()).hasSize(RecoveryPointHolds.MAX_PAGE).startsWith(newest);
        assertThat(full.next()).contains(oldestFirst.get(1).id());
        KeysetPage<RecoveryPointHold, HoldId> last = holds.listHolds(BLUE_TEAM, SNAPSHOT, full.next(), RecoveryPointHolds.MAX_PAGE);
        assertThat(last.items()).containsExactly(oldestFirst.getFirst());
        assertThat(last.next()).isEmpty();
    }

    private RecoveryPointHold placed(int second) {
        RecoveryPointHold hold = RecoveryPointHold.place(new org.vpsrecovery.domain.hold.HoldId(OperationId.random().value()),
                BLUE, platform.web.id(), SNAPSHOT, new HoldReason("hold " + second), BLUE_TEAM,
                platform.clock.instant().plusSeconds(second));
        platform.holds.place(hold);
        return hold;
    }

    /**
     * Another instance's placement of the team (on another server, under another server lock) took the last room between
     * this placement's count and its insert: the insert refuses, and the placement ends FAILED HOLD_LIMIT_REACHED after
     * its intent, answered with the same typed refusal, nothing stored.
     */
    @Test
    void aPlacementWhoseInsertFindsTheLimitsReachedMeanwhileEndsFailedAndStoresNothing() {
        RecoveryPointHolds fullAtTheInsert = new ForwardingRecoveryPointHolds(platform.holds) {
            @Override
            public boolean placeWithin(RecoveryPointHold hold, HoldLimits limits, java.util.Set<ServerId> teamsServers) {
                return false;
            }

            @Override
            public int activeCountOn(java.util.Set<ServerId> servers, HoldKind kind) {
                return 0;
            }
        };
        RecoveryPointHoldService racing = platform.recoveryPointHolds(fullAtTheInsert, new HoldLimits(2, 3));

        assertThatThrownBy(() -> racing.placeHold(new PlaceHoldCommand(caller(BLUE_TEAM), SNAPSHOT, new HoldReason("late"))))
                .isInstanceOfSatisfying(RecoveryDenied.class, d -> {
                    assertThat(d.reason()).isEqualTo(ReasonCode.HOLD_LIMIT_REACHED);
                    assertThat(d.getMessage()).contains("meanwhile");
                });
        java.util.List<AuditEvent> events = platform.history.all();
        assertThat(events.subList(events.size() - 2, events.size())).extracting(e -> e.outcome().kind())
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.FAILED);
        assertThat(events.get(events.size() - 1).outcome().reasonCode()).contains(ReasonCode.HOLD_LIMIT_REACHED);
        assertThat(platform.holds.on(SNAPSHOT)).isEmpty();
    }

    /**
     * A point whose server moved to another team keeps the holds placed for the former team: they are the owner's now
     * (ADR 0029, session 38), and paging reads on to the end, never a short page before it (session 38, review).
     */
    @Test
    void pagingUntilTheEndReturnsEveryHoldOfTheOwnerPastAnotherTeamsHolds() {
        RecoveryPointHold older = place(BLUE_TEAM, SNAPSHOT, "older");
        platform.clock.advance(Duration.ofSeconds(1));
        RecoveryPointHold newer = place(BLUE_TEAM, SNAPSHOT, "newer");
        for (int i = 0; i < 3; i++) {
            platform.clock.advance(Duration.ofSeconds(1));
            platform.holds.place(RecoveryPointHold.place(new org.vpsrecovery.domain.hold.HoldId(OperationId.random().value()),
                    GREEN, platform.web.id(), SNAPSHOT, new HoldReason("former owner's " + i), new HoldActor.Team(GREEN),
                    platform.clock.instant()));
        }

        java.util.List<RecoveryPointHold> seen = new java.util.ArrayList<>();
        Optional<org.vpsrecovery.domain.hold.HoldId> after = Optional.empty();
        for (int pages = 0; pages < 10; pages++) {
            KeysetPage<RecoveryPointHold, HoldId> page = holds.listHolds(BLUE_TEAM, SNAPSHOT, after, 2);
            seen.addAll(page.items());
            if (page.next().isEmpty()) {
                break;
            }
            after = page.next();
        }
        assertThat(seen).hasSize(5).endsWith(newer, older);
    }

    /**
     * A teams-file move gives the server to GREEN: the hold BLUE placed on its snapshot is GREEN's to see and release
     * (a held point is otherwise undeletable by its owner), audited under GREEN; BLUE no longer sees it (ADR 0029).
     */
    @Test
    void aHoldOnAServerMovedToAnotherTeamIsTheNewOwnersToSeeAndRelease() {
        RecoveryPointHold hold = place(BLUE_TEAM, SNAPSHOT, "before the move");
        RecoveryPointHoldService moved = new RecoveryPointHoldService(platform.provider, platform.provider,
                new org.vpsrecovery.domain.testing.FixedServerOwnership(java.util.Map.of(
                        BLUE, java.util.Set.of(PlatformFixture.SPARE),
                        GREEN, java.util.Set.of(PlatformFixture.WEB, PlatformFixture.GREEN_SERVER))),
                () -> java.util.Set.of(BLUE, GREEN), platform.holds, platform.operations, platform.attempts(),
                platform.clock, org.vpsrecovery.domain.hold.HoldLimits.DEFAULTS);
        HoldActor green = new HoldActor.Team(GREEN);

        assertThat(moved.listHolds(green, SNAPSHOT, Optional.empty(), 100).items()).containsExactly(hold);
        assertThatThrownBy(() -> moved.listHolds(BLUE_TEAM, SNAPSHOT, Optional.empty(), 100))
                .isInstanceOf(ResourceNotFound.class);
        assertThatThrownBy(() -> moved.releaseHold(new ReleaseHoldCommand(caller(BLUE_TEAM), SNAPSHOT, hold.id())))
                .isInstanceOfSatisfying(ResourceNotFound.class, e -> assertThat(e.reason()).isEqualTo(ReasonCode.HOLD_NOT_FOUND));
        HoldCaller greenCaller = caller(green);
        RecoveryPointHold released = moved.releaseHold(new ReleaseHoldCommand(greenCaller, SNAPSHOT, hold.id()));

        assertThat(released.isActive()).isFalse();
        assertThat(platform.history.all().stream().filter(e -> e.requestId().equals(greenCaller.requestId())))
                .extracting(e -> e.outcome().kind()).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED);
        assertThat(platform.history.all().stream().filter(e -> e.requestId().equals(greenCaller.requestId())))
                .allSatisfy(e -> assertThat(e.team()).isEqualTo(GREEN));
    }

    /** The same holds after the teams file gave BLUE's web server (snapshot 801's) to GREEN. */
    private RecoveryPointHoldService webMovedToGreen() {
        return webMovedToGreen(HoldLimits.DEFAULTS);
    }

    private RecoveryPointHoldService webMovedToGreen(HoldLimits limits) {
        return new RecoveryPointHoldService(platform.provider, platform.provider,
                new org.vpsrecovery.domain.testing.FixedServerOwnership(java.util.Map.of(
                        BLUE, java.util.Set.of(PlatformFixture.SPARE),
                        GREEN, java.util.Set.of(PlatformFixture.WEB, PlatformFixture.GREEN_SERVER))),
                () -> java.util.Set.of(BLUE, GREEN), platform.holds, platform.operations, platform.attempts(),
                platform.clock, limits);
    }

    /**
     * The team limit counts a team's holds on the servers it owns now: BLUE's hold on the web server, which the move gave
     * GREEN and BLUE can no longer see or release, no longer takes the room of BLUE's holds on its spare server (ADR
     * 0029, amended in session 48).
     */
    @Test
    void aHoldOnAServerMovedAwayNoLongerCountsForTheTeamItWasPlacedFor() {
        HoldLimits onePerTeam = new HoldLimits(1, 1);
        RecoveryPointHoldService before = platform.recoveryPointHolds(platform.holds, onePerTeam);
        before.placeHold(new PlaceHoldCommand(caller(BLUE_TEAM), SNAPSHOT, new HoldReason("before the move")));
        assertThatThrownBy(() -> before.placeHold(new PlaceHoldCommand(caller(BLUE_TEAM), BACKUP, new HoldReason("full"))))
                .isInstanceOfSatisfying(RecoveryDenied.class, d -> assertThat(d.reason()).isEqualTo(ReasonCode.HOLD_LIMIT_REACHED));

        RecoveryPointHold onSpare = webMovedToGreen(onePerTeam).placeHold(
                new PlaceHoldCommand(caller(BLUE_TEAM), BACKUP, new HoldReason("after the move")));

        assertThat(onSpare.isActive()).isTrue();
        assertThat(platform.holds.activeCountOn(java.util.Set.of(PlatformFixture.SPARE), HoldKind.TEAM)).isEqualTo(1);
    }

    /**
     * What a team holds now counts toward its limit: the holds BLUE placed on the web server before a teams-file move
     * gave it to GREEN are GREEN's to see and release, so they take GREEN's room, and moving servers in does not take a
     * team past its limit. The refusal says so; releasing one of them makes room (ADR 0029, amended in session 49).
     */
    @Test
    void theHoldsThatCameWithAMovedServerCountTowardItsNewOwnersLimit() {
        platform.provider.addSnapshot(803, platform.greenServer, CreationStatus.COMPLETED);
        ResourceRef greens = new ResourceRef(ResourceRef.Type.SNAPSHOT, 803);
        RecoveryPointHold broughtIn = place(BLUE_TEAM, SNAPSHOT, "before the move");
        place(BLUE_TEAM, SNAPSHOT, "before the move, too");
        RecoveryPointHoldService moved = webMovedToGreen(new HoldLimits(2, 2));
        HoldActor green = new HoldActor.Team(GREEN);

        assertThatThrownBy(() -> moved.placeHold(new PlaceHoldCommand(caller(green), greens, new HoldReason("one too many"))))
                .isInstanceOfSatisfying(RecoveryDenied.class, d -> {
                    assertThat(d.reason()).isEqualTo(ReasonCode.HOLD_LIMIT_REACHED);
                    assertThat(d.getMessage()).contains("team has at most 2")
                            .contains("those placed before a server came to it included");
                });
        assertThat(platform.holds.on(greens)).isEmpty();

        moved.releaseHold(new ReleaseHoldCommand(caller(green), SNAPSHOT, broughtIn.id()));
        assertThat(moved.placeHold(new PlaceHoldCommand(caller(green), greens, new HoldReason("now"))).isActive()).isTrue();
    }

    /**
     * The teams file, read anew at each look-up: the first finds the web server with BLUE, every later one with GREEN
     * (a reload while a request runs).
     */
    private static final class TeamsFileReloadedAfterItsFirstRead
            implements org.vpsrecovery.domain.port.ServerOwnership, org.vpsrecovery.domain.port.TeamDirectory {

        private final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        private volatile java.util.Map<TeamId, java.util.Set<ServerId>> current = java.util.Map.of(
                BLUE, java.util.Set.of(PlatformFixture.WEB, PlatformFixture.SPARE), GREEN, java.util.Set.of(PlatformFixture.GREEN_SERVER));

        @Override
        public java.util.Set<TeamId> teams() {
            if (reads.incrementAndGet() > 1) {
                current = java.util.Map.of(BLUE, java.util.Set.of(PlatformFixture.SPARE),
                        GREEN, java.util.Set.of(PlatformFixture.WEB, PlatformFixture.GREEN_SERVER));
            }
            return current.keySet();
        }

        @Override
        public java.util.Set<ServerId> serversOf(TeamId team) {
            return current.getOrDefault(team, java.util.Set.of());
        }
    }

    /**
     * A release reads its hold's server owner once: the teams file reloaded between its look-ups (the web server moved
     * from BLUE to GREEN) does not check the release against one owner and file its events under the other. The
     * release follows the owner its first look-up read: BLUE's, released and filed under BLUE. It read the owner four
     * times: BLUE saw the hold, then its events were filed under GREEN and the check refused BLUE as not the owner (ADR
     * 0029, amended in session 49).
     */
    @Test
    void aReleaseReadsTheServersOwnerOnceThoughTheTeamsFileIsReloadedMeanwhile() {
        RecoveryPointHold hold = place(BLUE_TEAM, SNAPSHOT, "before the reload");
        TeamsFileReloadedAfterItsFirstRead teamsFile = new TeamsFileReloadedAfterItsFirstRead();
        RecoveryPointHoldService reloading = new RecoveryPointHoldService(platform.provider, platform.provider, teamsFile,
                teamsFile, platform.holds, platform.operations, platform.attempts(), platform.clock, HoldLimits.DEFAULTS);
        HoldCaller releasing = caller(BLUE_TEAM);

        RecoveryPointHold released = reloading.releaseHold(new ReleaseHoldCommand(releasing, SNAPSHOT, hold.id()));

        assertThat(released.isActive()).isFalse();
        assertThat(released.release()).map(RecoveryPointHold.Release::by).contains(BLUE_TEAM);
        assertThat(platform.history.all().stream().filter(e -> e.requestId().equals(releasing.requestId())))
                .extracting(e -> e.outcome().kind()).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED);
        assertThat(platform.history.all().stream().filter(e -> e.requestId().equals(releasing.requestId())))
                .allSatisfy(e -> assertThat(e.team()).isEqualTo(BLUE));
        assertThat(teamsFile.reads).hasValue(1);
    }

    /**
     * After a teams-file move, the new owner releases the former owner's hold, but its own history is told no more of
     * that team than the hold's list tells it: neither the former owner's reason nor its name, also when the hold was
     * released already (the refusal named who released it). The former owner's placing event keeps the whole truth
     * for the auditor (ADR 0029, amended in session 48).
     */
    @Test
    void theNewOwnersReleaseEventsNameNeitherTheFormerOwnerNorItsReason() {
        String reason = "payments incident 4711: ledger corruption";
        RecoveryPointHold active = place(BLUE_TEAM, SNAPSHOT, reason);
        RecoveryPointHold releasedBefore = release(BLUE_TEAM, place(BLUE_TEAM, SNAPSHOT, reason));
        RecoveryPointHoldService moved = webMovedToGreen();
        HoldActor green = new HoldActor.Team(GREEN);
        HoldCaller releasing = caller(green);
        HoldCaller refused = caller(green);

        moved.releaseHold(new ReleaseHoldCommand(releasing, SNAPSHOT, active.id()));
        assertThatThrownBy(() -> moved.releaseHold(new ReleaseHoldCommand(refused, SNAPSHOT, releasedBefore.id())))
                .isInstanceOfSatisfying(RecoveryDenied.class, e -> {
                    assertThat(e.reason()).isEqualTo(ReasonCode.HOLD_ALREADY_RELEASED);
                    assertThat(e.getMessage()).doesNotContain("blue").contains("the server's former owner");
                });

        java.util.List<AuditEvent> greens = platform.history.all().stream().filter(e -> e.requestId()
                .equals(releasing.requestId()) || e.requestId().equals(refused.requestId())).toList();
        assertThat(greens).extracting(e -> e.outcome().kind()).containsExactly(Outcome.Kind.ACCEPTED,
                Outcome.Kind.COMPLETED, Outcome.Kind.REJECTED);
        assertThat(greens).allSatisfy(e -> {
            assertThat(e.team()).isEqualTo(GREEN);
            assertThat(e.detail()).doesNotContainKey(AuditEvent.HOLD_REASON);
            // The reasons' words, not their numbers: an event's random ids may hold any hex digits.
            assertThat(e.toString()).doesNotContain("blue").doesNotContain("payments incident");
        });
        assertThat(platform.history.all()).filteredOn(e -> e.operation() == Operation.PLACE_RECOVERY_POINT_HOLD)
                .allSatisfy(e -> assertThat(e.detail()).containsEntry(AuditEvent.HOLD_REASON, reason));
    }

    /**
     * An auditor's actions on holds of a moved server are filed under the new owner, so they tell that history what the
     * new owner is told of the hold, not what the auditor is: refused a team hold, refused a hold released before the
     * move, and releasing a legal hold placed before it, GREEN's events carry neither BLUE's name nor a hold's reason.
     * They carried both: the reason and the releaser were decided by the caller, an auditor, told everything (ADR 0029,
     * amended in session 48).
     */
    @Test
    void anAuditorsActionsOnAMovedServersHoldsTellTheNewOwnersHistoryNothingOfTheFormerOwner() {
        RecoveryPointHold teamHold = place(BLUE_TEAM, SNAPSHOT, "payments incident 4711: ledger corruption");
        RecoveryPointHold legal = place(AUDITOR, SNAPSHOT, "litigation 4712 about a blue customer");
        RecoveryPointHold releasedBefore = release(BLUE_TEAM, place(BLUE_TEAM, SNAPSHOT, "incident 4713"));
        RecoveryPointHoldService moved = webMovedToGreen();
        int before = platform.history.all().size();

        assertThatThrownBy(() -> moved.releaseHold(new ReleaseHoldCommand(caller(AUDITOR), SNAPSHOT, teamHold.id())))
                .isInstanceOfSatisfying(AccessDenied.class, d -> assertThat(d.reason()).isEqualTo(ReasonCode.FORBIDDEN_FOR_ROLE));
        assertThatThrownBy(() -> moved.releaseHold(new ReleaseHoldCommand(caller(AUDITOR), SNAPSHOT, releasedBefore.id())))
                .isInstanceOfSatisfying(RecoveryDenied.class, d -> assertThat(d.reason()).isEqualTo(ReasonCode.HOLD_ALREADY_RELEASED));
        assertThat(moved.releaseHold(new ReleaseHoldCommand(caller(AUDITOR), SNAPSHOT, legal.id())).isActive()).isFalse();

        java.util.List<AuditEvent> auditors = platform.history.all().subList(before, platform.history.all().size());
        assertThat(auditors).extracting(e -> e.outcome().kind()).containsExactly(Outcome.Kind.REJECTED,
                Outcome.Kind.REJECTED, Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED);
        assertThat(auditors).allSatisfy(e -> {
            assertThat(e.team()).isEqualTo(GREEN);
            assertThat(e.detail()).containsEntry(AuditEvent.ACTOR, AUDITOR.wireName())
                    .doesNotContainKey(AuditEvent.HOLD_REASON);
            // The reasons' words, not their numbers: an event's random ids may hold "471" (CI, session 51).
            assertThat(e.toString()).doesNotContain("blue").doesNotContain("payments incident")
                    .doesNotContain("litigation").doesNotContain("incident 4713");
        });
    }

    /**
     * Another team's point is as not found as a missing one, and as slow: both look again in the account's list read
     * consistently. Found in the whole account first, another team's point was a 404 with no second read, a missing one
     * a 404 after it: the time told them apart, which {@code TeamSnapshots.find} avoids (ADR 0029, amended in session 48).
     */
    @Test
    void aHoldOnAnotherTeamsPointReadsAsMuchAsAHoldOnAMissingPoint() {
        HoldActor green = new HoldActor.Team(GREEN);
        String consistent = "list snapshots consistently";

        long before = platform.providerCallsStartingWith(consistent);
        assertThatThrownBy(() -> holds.placeHold(new PlaceHoldCommand(caller(green), SNAPSHOT, new HoldReason("x"))))
                .isInstanceOf(ResourceNotFound.class);
        long anotherTeams = platform.providerCallsStartingWith(consistent) - before;
        before = platform.providerCallsStartingWith(consistent);
        assertThatThrownBy(() -> holds.placeHold(new PlaceHoldCommand(caller(green),
                new ResourceRef(ResourceRef.Type.SNAPSHOT, 999), new HoldReason("x")))).isInstanceOf(ResourceNotFound.class);
        long missing = platform.providerCallsStartingWith(consistent) - before;

        assertThat(missing).isPositive();
        assertThat(anotherTeams).isEqualTo(missing);
    }

    /**
     * The hold's insert failed at its commit (a failover dropping the connection): the row may be stored, so the
     * placement ends UNRESOLVED, never a final FAILED, and reconciliation later finds the hold and completes it. The
     * caller is told the change may have been done (PLATFORM_OUTCOME_UNKNOWN: look first), not PLATFORM_UNAVAILABLE's
     * "nothing was done, try again shortly", which a caller followed into a second hold (ADR 0023, session 44).
     */
    @Test
    void aPlacementWhoseCommitsOutcomeIsUnknownIsUnresolvedAndReconciledCompleted() {
        RecoveryPointHolds storedThenLost = new ForwardingRecoveryPointHolds(platform.holds) {
            @Override
            public boolean placeWithin(RecoveryPointHold hold, HoldLimits limits, java.util.Set<ServerId> teamsServers) {
                super.placeWithin(hold, limits, teamsServers);
                // As the adapter's StoreOutcomeUnknown: of no domain type.
                throw new IllegalStateException("the connection dropped during the commit; the row may be stored");
            }
        };
        RecoveryPointHoldService lossy = platform.recoveryPointHolds(storedThenLost, HoldLimits.DEFAULTS);

        assertThatThrownBy(() -> lossy.placeHold(new PlaceHoldCommand(caller(BLUE_TEAM), SNAPSHOT, new HoldReason("kept?"))))
                .isInstanceOfSatisfying(org.vpsrecovery.domain.port.PlatformOutcomeUnknown.class, unknown -> {
                    assertThat(unknown.reason()).isEqualTo(ReasonCode.PLATFORM_OUTCOME_UNKNOWN);
                    assertThat(unknown.getMessage()).contains("may have taken effect").doesNotContain("try again shortly");
                });
        java.util.List<AuditEvent> events = platform.history.all();
        assertThat(events.getLast().outcome().kind()).isEqualTo(Outcome.Kind.UNRESOLVED);

        ReconcilePendingIntentsService reconciler = reconciler();
        platform.clock.advance(Duration.ofMinutes(6));
        reconciler.reconcile(100);
        assertThat(platform.history.all().getLast().operation()).isEqualTo(Operation.PLACE_RECOVERY_POINT_HOLD);
        assertThat(platform.history.all().getLast().outcome()).isEqualTo(new Outcome.Completed());
        assertThat(platform.holds.on(SNAPSHOT)).hasSize(1);
    }
}
