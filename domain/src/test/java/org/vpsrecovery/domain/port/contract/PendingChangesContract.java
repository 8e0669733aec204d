package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.change.PendingChange;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.port.PendingChanges;
import org.vpsrecovery.domain.port.PendingChanges.OwedChangeEvents;
import org.vpsrecovery.domain.server.ServerId;

/** What every {@link PendingChanges} does, in memory or in PostgreSQL (ADR 0043). */
public abstract class PendingChangesContract {

    protected abstract PendingChanges emptyChanges();

    static final TeamId BLUE = new TeamId("blue");
    static final TeamId RED = new TeamId("red");
    static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
    static final Actor ALICE = Actor.of("alice", Actor.Authentication.JWT, "key-1");
    static final Actor BOB = Actor.of("bob", Actor.Authentication.JWT, null);
    static final Actor CAROL = Actor.of("carol", Actor.Authentication.JWT, "k1");
    static final PolicySpec SPEC = new PolicySpec(PolicyServers.of(List.of(new ServerId(12345), new ServerId(12346))),
            PolicyKind.SNAPSHOT, new PolicySchedule("0 3 * * *", ZoneId.of("Asia/Kolkata")),
            new NameTemplate("nightly-{server_id}-{date}"),
            new RetentionRules(2, Duration.ofDays(3), 7, 4, 0, 0, true));

    static Approval asked(Actor by, Instant at) {
        return Approval.requested(by, at, at.plus(Duration.ofHours(1)), false);
    }

    static PendingChange holdRelease(Instant at) {
        return PendingChange.holdRelease(OperationId.random(), BLUE, RequestId.random(), new HoldId(UUID.randomUUID()),
                new ResourceRef(ResourceRef.Type.BACKUP, 499), new ServerId(12345), asked(CAROL, at));
    }

    /** Every change is stored as it is asked for: its {@code REQUEST_APPROVAL} event owed with it. */
    static void add(PendingChanges changes, PendingChange change) {
        changes.add(change, new ApprovalStep(Operation.REQUEST_APPROVAL, change.requestId()));
    }

    @Test
    void everyKindReadsBackAsStored() {
        PendingChanges changes = emptyChanges();
        List<PendingChange> stored = List.of(holdRelease(AT),
                PendingChange.policyCreate(OperationId.random(), BLUE, RequestId.random(), PolicyId.random(), SPEC, asked(ALICE, AT)),
                PendingChange.policyUpdate(OperationId.random(), BLUE, RequestId.random(), PolicyId.random(), 3, SPEC,
                        asked(ALICE, AT)),
                PendingChange.policyDelete(OperationId.random(), BLUE, RequestId.random(), PolicyId.random(), 7,
                        asked(ALICE, AT)));
        stored.forEach(change -> add(changes, change));

        for (PendingChange change : stored) {
            assertThat(changes.find(change.id())).contains(change);
        }
        assertThat(changes.find(OperationId.random())).isEmpty();
    }

    @Test
    void aDecisionIsWrittenOverTheVersionReadOnlyAndReadsBackWithItsDecider() {
        PendingChanges changes = emptyChanges();
        PendingChange pending = holdRelease(AT);
        add(changes, pending);

        PendingChange approved = pending.approve(BOB, AT.plusSeconds(60), Optional.of("incident closed"), Duration.ofMinutes(2));
        PendingChange denied = pending.deny(ALICE, AT.plusSeconds(61), Optional.empty());
        assertThat(changes.update(pending, approved)).isTrue();
        assertThat(changes.update(pending, denied)).isFalse();
        assertThat(changes.find(pending.id())).contains(approved);

        PendingChange applied = approved.applied(AT.plusSeconds(62), "hold released");
        assertThat(changes.update(approved, applied)).isTrue();
        assertThat(changes.find(pending.id())).contains(applied);
    }

    @Test
    void aChangeIdIsStoredOnce() {
        PendingChanges changes = emptyChanges();
        PendingChange pending = holdRelease(AT);
        add(changes, pending);
        assertThatThrownBy(() -> add(changes, pending)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void theWorkListIsOneStateDueFirstAndBounded() {
        PendingChanges changes = emptyChanges();
        PendingChange later = holdRelease(AT.plusSeconds(120));
        PendingChange first = holdRelease(AT);
        PendingChange notDue = holdRelease(AT.plus(Duration.ofHours(5)));
        PendingChange approved = holdRelease(AT);
        List.of(later, first, notDue, approved).forEach(change -> add(changes, change));
        changes.update(approved, approved.approve(BOB, AT, Optional.empty(), Duration.ofMinutes(2)));

        Instant by = AT.plus(Duration.ofHours(2));
        assertThat(changes.dueIn(OperationState.PENDING_APPROVAL, by, 10)).containsExactly(first, later);
        assertThat(changes.dueIn(OperationState.PENDING_APPROVAL, by, 1)).containsExactly(first);
        assertThat(changes.dueIn(OperationState.APPROVED, by, 10)).extracting(PendingChange::id).containsExactly(approved.id());
        assertThat(changes.dueIn(OperationState.APPROVED, AT, 10)).isEmpty();
    }

    @Test
    void anApprovalStepsEventIsOwedWithItsWriteUntilItIsWrittenAndAStaleWriteMarksNothing() {
        PendingChanges changes = emptyChanges();
        PendingChange pending = holdRelease(AT);
        ApprovalStep asked = new ApprovalStep(Operation.REQUEST_APPROVAL, pending.requestId());

        changes.add(pending, asked);

        assertThat(changes.find(pending.id())).contains(pending);
        assertThat(changes.owingApprovalEvents(10)).containsExactly(new OwedChangeEvents(pending, List.of(asked)));

        PendingChange approved = pending.approve(BOB, AT.plusSeconds(30), Optional.of("ticket 42"), Duration.ofMinutes(2));
        ApprovalStep approval = new ApprovalStep(Operation.APPROVE_OPERATION, new RequestId("r-bob"));
        assertThat(changes.update(pending, approved, approval)).isTrue();
        // A write over a stale version lands nothing, its mark neither.
        assertThat(changes.update(pending, pending.deny(BOB, AT.plusSeconds(31), Optional.empty()),
                new ApprovalStep(Operation.DENY_OPERATION, new RequestId("r-late")))).isFalse();
        assertThat(changes.owingApprovalEvents(10)).containsExactly(new OwedChangeEvents(approved, List.of(asked, approval)));
        assertThat(changes.owedApprovalSteps(pending.id())).containsExactly(asked, approval);
        assertThat(changes.owedApprovalSteps(OperationId.random())).isEmpty();

        // Written: no longer owed, and the change's version is left alone (a mark is not a move).
        changes.approvalEventWritten(pending.id(), asked);
        assertThat(changes.owingApprovalEvents(10)).containsExactly(new OwedChangeEvents(approved, List.of(approval)));
        changes.approvalEventWritten(pending.id(), approval);
        assertThat(changes.owingApprovalEvents(10)).isEmpty();
        assertThat(changes.owedApprovalSteps(pending.id())).isEmpty();
        assertThat(changes.find(pending.id())).contains(approved);
        // A move that is no step of the approval marks nothing.
        PendingChange applied = approved.applied(AT.plusSeconds(40), "hold released");
        assertThat(changes.update(approved, applied)).isTrue();
        assertThat(changes.owingApprovalEvents(10)).isEmpty();
    }

    @Test
    void theChangesOwingEventsComeLeastRecentlyUpdatedFirstAndBounded() {
        PendingChanges changes = emptyChanges();
        PendingChange later = holdRelease(AT.plusSeconds(60));
        PendingChange first = holdRelease(AT);
        PendingChange written = holdRelease(AT.plusSeconds(30));
        List.of(later, first, written).forEach(change -> add(changes, change));
        changes.approvalEventWritten(written.id(), new ApprovalStep(Operation.REQUEST_APPROVAL, written.requestId()));

        assertThat(changes.owingApprovalEvents(10)).extracting(OwedChangeEvents::change).containsExactly(first, later);
        assertThat(changes.owingApprovalEvents(1)).extracting(OwedChangeEvents::change).containsExactly(first);
    }

    @Test
    void aTeamsChangesAreReadNewestAskedFirstInOneStateWhenAskedAndPagedAfterTheLastShown() {
        PendingChanges changes = emptyChanges();
        PendingChange oldest = holdRelease(AT);
        PendingChange middle = holdRelease(AT.plusSeconds(60));
        // Two asked at the same instant: the greater id first, as a uuid orders in PostgreSQL (its hex text).
        PendingChange tiedA = holdRelease(AT.plusSeconds(120));
        PendingChange tiedB = holdRelease(AT.plusSeconds(120));
        PendingChange newest = holdRelease(AT.plusSeconds(180));
        PendingChange reds = PendingChange.holdRelease(OperationId.random(), RED, RequestId.random(),
                new HoldId(UUID.randomUUID()), new ResourceRef(ResourceRef.Type.BACKUP, 499), new ServerId(12345),
                asked(CAROL, AT.plusSeconds(150)));
        List.of(middle, tiedA, oldest, reds, newest, tiedB).forEach(change -> add(changes, change));
        PendingChange approvedMiddle = middle.approve(BOB, AT.plusSeconds(200), Optional.empty(), Duration.ofMinutes(2));
        assertThat(changes.update(middle, approvedMiddle)).isTrue();
        boolean aFirst = tiedA.id().value().toString().compareTo(tiedB.id().value().toString()) > 0;
        PendingChange tiedFirst = aFirst ? tiedA : tiedB;
        PendingChange tiedSecond = aFirst ? tiedB : tiedA;

        assertThat(changes.newestFirst(BLUE, Optional.empty(), Optional.empty(), 10))
                .containsExactly(newest, tiedFirst, tiedSecond, approvedMiddle, oldest);
        assertThat(changes.newestFirst(RED, Optional.empty(), Optional.empty(), 10)).containsExactly(reds);
        assertThat(changes.newestFirst(new TeamId("green"), Optional.empty(), Optional.empty(), 10)).isEmpty();

        // Pages of two: each after the last one shown, the tie split between pages.
        assertThat(changes.newestFirst(BLUE, Optional.empty(), Optional.empty(), 2)).containsExactly(newest, tiedFirst);
        assertThat(changes.newestFirst(BLUE, Optional.empty(), Optional.of(tiedFirst), 2))
                .containsExactly(tiedSecond, approvedMiddle);
        assertThat(changes.newestFirst(BLUE, Optional.empty(), Optional.of(approvedMiddle), 2)).containsExactly(oldest);
        assertThat(changes.newestFirst(BLUE, Optional.empty(), Optional.of(oldest), 2)).isEmpty();

        // One state: the pending ones; a page after a change no longer pending goes on from its place.
        assertThat(changes.newestFirst(BLUE, Optional.of(OperationState.PENDING_APPROVAL), Optional.empty(), 10))
                .containsExactly(newest, tiedFirst, tiedSecond, oldest);
        assertThat(changes.newestFirst(BLUE, Optional.of(OperationState.PENDING_APPROVAL), Optional.of(middle), 10))
                .containsExactly(oldest);
        assertThat(changes.newestFirst(BLUE, Optional.of(OperationState.APPROVED), Optional.empty(), 10))
                .containsExactly(approvedMiddle);
        assertThat(changes.newestFirst(BLUE, Optional.of(OperationState.DENIED), Optional.empty(), 10)).isEmpty();

        assertThatThrownBy(() -> changes.newestFirst(BLUE, Optional.empty(), Optional.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> changes.newestFirst(BLUE, Optional.empty(), Optional.empty(), PendingChanges.MAX_PAGE + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
