package org.vpsrecovery.application.attempt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.snapshot.CreateSnapshotCommand;
import org.vpsrecovery.application.snapshot.CreateSnapshotService;
import org.vpsrecovery.application.snapshot.DeleteSnapshotCommand;
import org.vpsrecovery.application.snapshot.RestoreSnapshotCommand;
import org.vpsrecovery.application.recoverypoint.DeleteRecoveryPointService;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.domain.testing.InMemoryServerLock;
import org.vpsrecovery.domain.testing.LosableServerLock;

/** The attempt path when the history or the provider's answer is not there: nothing lost, nothing made up. */
class AuditedAttemptsTest {

    private final PlatformFixture platform = new PlatformFixture();

    /** The in-memory history, which refuses appends while {@link #down} is set (a database outage). */
    private final class FlakyHistory implements AuditHistory {
        final AtomicBoolean down = new AtomicBoolean();
        /** Appends the history takes, then refuses once the count reaches zero. */
        int acceptBeforeOutage = Integer.MAX_VALUE;

        @Override
        public synchronized RecordedAuditEvent append(AuditEvent event) {
            if (acceptBeforeOutage-- <= 0) {
                down.set(true);
            }
            if (down.get()) {
                throw new IllegalStateException("database unavailable");
            }
            return platform.history.append(event);
        }

        @Override
        public List<RecordedAuditEvent> query(AuditQuery query) {
            return platform.history.query(query);
        }

        @Override
        public List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, long afterSequence, int limit) {
            return platform.history.pendingIntents(acceptedBefore, afterSequence, limit);
        }

        @Override
        public ChainVerification verifyChain() {
            return platform.history.verifyChain();
        }
    }

    private final FlakyHistory history = new FlakyHistory();
    private final AuditWriter writer = new AuditWriter(history);
    private final CreateSnapshotService create = new CreateSnapshotService(platform.provider, platform.ownership,
            platform.limits, platform.serverStates(), new AuditedAttempts(writer, platform.operations, new InMemoryServerLock(Duration.ofSeconds(5)), platform.clock,
                    TrackingDeadlines.DEFAULTS));

    private CreateSnapshotCommand createCommand(CallContext context, String name) {
        return new CreateSnapshotCommand(context, WEB, new SnapshotName(name), Optional.empty());
    }

    @Test
    void anApprovedRunWhoseIntentTheHistoryCannotTakeEndsFailedWithoutCallingTheProviderAndRecordsNothingElse() {
        platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        Actor alice = Actor.of("alice", Actor.Authentication.JWT, "k1");
        Actor bob = Actor.of("bob", Actor.Authentication.JWT, "k1");
        RecoveryOperation pending = RecoveryOperation.pendingApproval(OperationId.random(), BLUE, new RequestId("ask"),
                Operation.DELETE_SNAPSHOT, WEB, ResourceRef.of(new SnapshotId(801)), Optional.empty(),
                Approval.requested(alice, platform.clock.instant(), platform.clock.instant().plusSeconds(600), false));
        platform.operations.add(pending);
        RecoveryOperation approved = pending.approve(bob, platform.clock.instant(), Optional.empty(), Duration.ofMinutes(10));
        assertThat(platform.operations.update(pending, approved)).isTrue();
        AuditedAttempts attempts = new AuditedAttempts(writer, platform.operations,
                new InMemoryServerLock(Duration.ofSeconds(5)), platform.clock, TrackingDeadlines.DEFAULTS);
        DeleteRecoveryPointService deletes = new DeleteRecoveryPointService(platform.provider, platform.provider,
                platform.ownership, platform.serverStates(), attempts, platform.holds);
        CallContext context = new CallContext(BLUE, pending.requestId(), pending.id(), bob);
        history.down.set(true);

        assertThatThrownBy(() -> attempts.asApproved(approved, () -> {
            deletes.deleteSnapshot(new DeleteSnapshotCommand(context, new SnapshotId(801)));
            return approved;
        })).isInstanceOf(PlatformUnavailable.class);

        assertThat(platform.providerCallsStartingWith("delete snapshot")).isZero();
        assertThat(platform.operations.find(pending.id()).orElseThrow().state()).isEqualTo(OperationState.FAILED);
        history.down.set(false);
        assertThat(writer.flush()).isEqualTo(1);
        assertThat(platform.history.all()).extracting(e -> e.outcome().kind()).containsExactly(Outcome.Kind.FAILED);
    }

    @Test
    void withoutAnIntentOnRecordTheProviderIsNeverCalled() {
        history.down.set(true);
        CallContext context = platform.as(BLUE);

        assertThatThrownBy(() -> create.createSnapshot(createCommand(context, "no-intent")))
                .isInstanceOf(PlatformUnavailable.class)
                .satisfies(e -> assertThat(((PlatformUnavailable) e).retryAfter()).isPositive());

        assertThat(platform.providerCallsStartingWith("create snapshot")).isZero();
        // The operation stored before the intent (ADR 0084) does not stay open: it is ended at once.
        assertThat(platform.operations.list(Optional.of(BLUE), Optional.of(WEB), Optional.empty(), 10))
                .singleElement().satisfies(operation -> {
                    assertThat(operation.id()).isEqualTo(context.operationId());
                    assertThat(operation.state()).isEqualTo(OperationState.FAILED);
                });
        // Its end waits to be written, and is written once the history is back: no intent, nothing called.
        assertThat(writer.waiting()).isEqualTo(1);
        history.down.set(false);
        assertThat(writer.flush()).isEqualTo(1);
        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.FAILED);
        assertThat(platform.eventsOf(context).get(0).outcome().explanation()).hasValueSatisfying(why -> assertThat(why).contains("intent could not be recorded"));
    }

    /** Logs each store of a new operation, with how many events and VPS.org creates there were at that moment. */
    private RecoveryOperations loggingAdds(List<String> log) {
        return (RecoveryOperations) Proxy.newProxyInstance(RecoveryOperations.class.getClassLoader(),
                new Class<?>[] {RecoveryOperations.class}, (proxy, method, args) -> {
                    if (method.getName().equals("addUnflushed") || method.getName().equals("add") && args.length == 1) {
                        log.add(method.getName() + " after " + platform.history.all().size() + " events and "
                                + platform.providerCallsStartingWith("create snapshot") + " creates");
                        platform.operations.add((RecoveryOperation) args[0]);
                        return null;
                    }
                    try {
                        return method.invoke(platform.operations, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void theOperationIsStoredUnflushedBeforeItsIntentAndBothBeforeTheCall() {
        List<String> log = new ArrayList<>();
        CreateSnapshotService logged = new CreateSnapshotService(platform.provider, platform.ownership, platform.limits, platform.serverStates(),
                new AuditedAttempts(writer, loggingAdds(log), new InMemoryServerLock(Duration.ofSeconds(5)), platform.clock,
                        TrackingDeadlines.DEFAULTS));
        CallContext context = platform.as(BLUE);

        logged.createSnapshot(createCommand(context, "stored-first"));

        // Unflushed, then the intent's durable append (which flushes it too), then VPS.org.
        assertThat(log).containsExactly("addUnflushed after 0 events and 0 creates");
        List<AuditEvent> events = platform.eventsOf(context);
        assertThat(events).extracting(e -> e.outcome().kind()).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);
        RecoveryOperation stored = platform.operations.find(context.operationId()).orElseThrow();
        // The tracker looks for the intent from the operation's acceptance on: the intent is not later.
        assertThat(events.get(0).occurredAt()).isBeforeOrEqualTo(stored.acceptedAt());
        assertThat(stored.state()).isEqualTo(OperationState.IN_PROGRESS);
    }

    /** The platform's operations, whose adds fail as a store that is away would. */
    private RecoveryOperations failingAdds() {
        return (RecoveryOperations) Proxy.newProxyInstance(RecoveryOperations.class.getClassLoader(),
                new Class<?>[] {RecoveryOperations.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("add")) {
                        throw new IllegalStateException("database unavailable");
                    }
                    try {
                        return method.invoke(platform.operations, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void anOperationTheStoreCannotTakeIsRefusedWithNoIntentAndNothingCalled() {
        RecoveryOperations failingAdds = failingAdds();
        CreateSnapshotService failing = new CreateSnapshotService(platform.provider, platform.ownership, platform.limits, platform.serverStates(),
                new AuditedAttempts(writer, failingAdds, new InMemoryServerLock(Duration.ofSeconds(5)), platform.clock,
                        TrackingDeadlines.DEFAULTS));
        CallContext context = platform.as(BLUE);

        assertThatThrownBy(() -> failing.createSnapshot(createCommand(context, "not-stored")))
                .isInstanceOf(PlatformUnavailable.class);

        assertThat(platform.providerCallsStartingWith("create snapshot")).isZero();
        assertThat(platform.operations.find(context.operationId())).isEmpty();
        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.REJECTED);
    }

    /** A restore waiting for its safety snapshot that cannot be stored after its intent ends FAILED, once. */
    @Test
    void aWaitingRestoreTheStoreCannotTakeEndsFailedOnceNeverAlsoRejected() {
        RecoveryOperations failingAdds = failingAdds();
        AuditedAttempts attempts = new AuditedAttempts(writer, failingAdds, new InMemoryServerLock(Duration.ofSeconds(5)),
                platform.clock, TrackingDeadlines.DEFAULTS);
        CallContext context = platform.as(BLUE);

        assertThatThrownBy(() -> attempts.attempt(context, org.vpsrecovery.domain.audit.Operation.RESTORE_SNAPSHOT)
                .onServer(WEB).runAfterSafetySnapshot(org.vpsrecovery.domain.common.Decision::allow,
                        ctx -> RecoveryOperation.awaitingSafetySnapshot(ctx.operationId(), ctx.team(), ctx.requestId(),
                                org.vpsrecovery.domain.audit.Operation.RESTORE_SNAPSHOT, WEB,
                                org.vpsrecovery.domain.audit.ResourceRef.of(new org.vpsrecovery.domain.snapshot.SnapshotId(801)),
                                java.util.Optional.empty(), platform.clock.instant(), Duration.ofMinutes(45)),
                        stored -> stored))
                .isInstanceOf(PlatformUnavailable.class);

        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.FAILED);
    }

    /** A change of the platform's own that fails unavailable after its intent ends FAILED once, never also REJECTED. */
    @Test
    void aChangeHereThatFailsUnavailableEndsFailedOnce() {
        CallContext context = platform.as(BLUE);

        assertThatThrownBy(() -> platform.attempts().attempt(context,
                org.vpsrecovery.domain.audit.Operation.PLACE_RECOVERY_POINT_HOLD).onServer(WEB)
                .runHere(org.vpsrecovery.domain.common.Decision::allow, () -> {
                    throw new PlatformUnavailable("the holds' store is away", Duration.ofSeconds(1), null);
                }))
                .isInstanceOf(PlatformUnavailable.class);

        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.FAILED);
    }

    /** A call that fails unavailable after the intent: recorded as not known (UNRESOLVED) once, never also REJECTED. */
    @Test
    void aCallFailingUnavailableAfterTheIntentIsNeverAlsoRecordedRefused() {
        CallContext context = platform.as(BLUE);
        platform.provider.breakNextCall("create snapshot",
                new PlatformUnavailable("a call slot could not be had", Duration.ofSeconds(1), null));

        assertThatThrownBy(() -> create.createSnapshot(createCommand(context, "unavailable-mid-call")))
                .isInstanceOf(PlatformUnavailable.class);

        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED);
    }

    @Test
    void anOutcomeTheHistoryCannotTakeIsWrittenLaterAndTheCallerStillGetsTheSnapshot() {
        CallContext context = platform.as(BLUE);
        history.acceptBeforeOutage = 1; // the intent goes in, then the database goes away

        Snapshot made = create.createSnapshot(createCommand(context, "made-during-outage"));

        assertThat(platform.provider.snapshot(made.id())).isPresent();
        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.ACCEPTED);
        assertThat(writer.waiting()).isEqualTo(1);
        assertThat(writer.flush()).as("still down").isZero();

        history.down.set(false);
        history.acceptBeforeOutage = Integer.MAX_VALUE;
        assertThat(writer.flush()).isEqualTo(1);
        assertThat(writer.waiting()).isZero();
        List<AuditEvent> events = platform.eventsOf(context);
        assertThat(events).extracting(e -> e.outcome().kind()).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);
        assertThat(events.get(1).resource()).hasValueSatisfying(r -> assertThat(r.id()).isEqualTo(made.id().value()));
        assertThat(events.get(1).attemptId()).isEqualTo(events.get(0).attemptId());
        assertThat(writer.flush()).as("written once").isZero();
        assertThat(platform.eventsOf(context)).hasSize(2);
    }

    @Test
    void aDeleteWhoseAnswerWasLostIsUnresolvedThenSettledByLookingAtTheProvider() {
        Snapshot snapshot = platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        CallContext context = platform.as(BLUE);
        platform.provider.loseNextMutationAnswer();

        assertThatThrownBy(() -> platform.deleteSnapshot().deleteSnapshot(new DeleteSnapshotCommand(context, snapshot.id())))
                .isInstanceOf(ProviderFailure.class);

        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED);
        assertThat(platform.tracker().tick()).isEqualTo(1);
        assertThat(platform.outcomesOf(context))
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED, Outcome.Kind.COMPLETED);
    }

    @Test
    void aSecondRestoreRightAfterOneWhoseAnswerWasLostIsHeldByThePlatform() {
        Snapshot snapshot = platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        CallContext first = platform.as(BLUE);
        platform.provider.loseNextMutationAnswer();
        assertThatThrownBy(() -> platform.restoreSnapshot().restoreSnapshot(new RestoreSnapshotCommand(first, snapshot.id())))
                .isInstanceOf(ProviderFailure.class);
        long restoresSent = platform.providerCallsStartingWith("restore");

        CallContext second = platform.as(BLUE);
        assertThatThrownBy(() -> platform.restoreSnapshot().restoreSnapshot(new RestoreSnapshotCommand(second, snapshot.id())))
                .isInstanceOf(RecoveryDenied.class)
                .satisfies(e -> assertThat(((RecoveryDenied) e).reason()).isEqualTo(ReasonCode.SERVER_NOT_RESTORABLE));

        assertThat(platform.providerCallsStartingWith("restore")).isEqualTo(restoresSent);
        assertThat(platform.outcomesOf(first)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED);
    }

    @Test
    void aCallerReusingARequestIdCannotSettleSomeoneElsesAttempt() {
        CallContext lost = new CallContext(BLUE, new org.vpsrecovery.domain.common.RequestId("reused-id"));
        platform.provider.loseNextMutationAnswer();
        assertThatThrownBy(() -> create.createSnapshot(createCommand(lost, "lost-one"))).isInstanceOf(ProviderFailure.class);
        // Another create under the same request id completes: it must not settle the first attempt.
        CallContext second = new CallContext(BLUE, lost.requestId());
        Snapshot other = create.createSnapshot(createCommand(second, "second-one"));

        assertThat(platform.operations.find(lost.operationId()).orElseThrow().state())
                .isEqualTo(org.vpsrecovery.domain.operation.OperationState.UNRESOLVED);
        platform.tracker().tick();

        var settled = platform.operations.find(lost.operationId()).orElseThrow();
        assertThat(settled.state()).isEqualTo(org.vpsrecovery.domain.operation.OperationState.IN_PROGRESS);
        assertThat(settled.resource()).isPresent();
        assertThat(settled.resource().get()).isNotEqualTo(org.vpsrecovery.domain.audit.ResourceRef.of(other.id()));
        assertThat(platform.provider.snapshot(new org.vpsrecovery.domain.snapshot.SnapshotId(settled.resource().get().id()))
                .orElseThrow().name()).isEqualTo("lost-one");
    }

    /** A lock that refuses a second taking while held, as PostgreSQL's advisory lock on another connection would wait. */
    private static final class NonReentrantLock implements org.vpsrecovery.domain.port.ServerLock {
        final java.util.Set<org.vpsrecovery.domain.server.ServerId> held = java.util.concurrent.ConcurrentHashMap.newKeySet();
        int taken;

        @Override
        public <T> T callExclusively(org.vpsrecovery.domain.server.ServerId server, java.util.function.Supplier<T> work) {
            if (!held.add(server)) {
                throw new org.vpsrecovery.domain.port.ServerBusy("server " + server + " is already locked");
            }
            taken++;
            try {
                return work.get();
            } finally {
                held.remove(server);
            }
        }
    }

    @Test
    void anAttemptWithinAnotherOnTheSameServerRunsUnderTheLockAlreadyHeldNotTakingItTwice() {
        NonReentrantLock lock = new NonReentrantLock();
        AuditedAttempts attempts = platform.attempts(lock);
        platform.provider.addSnapshot(701, platform.web, org.vpsrecovery.domain.common.CreationStatus.COMPLETED);
        var outer = attempts.attempt(platform.as(org.vpsrecovery.application.PlatformFixture.BLUE),
                org.vpsrecovery.domain.audit.Operation.CREATE_SNAPSHOT).onServer(WEB);

        outer.run(() -> {
            assertThat(lock.held).contains(WEB);
            // The rotation's delete inside the create's check (ADR 0028).
            attempts.attempt(platform.as(org.vpsrecovery.application.PlatformFixture.BLUE),
                    org.vpsrecovery.domain.audit.Operation.DELETE_SNAPSHOT).onServer(WEB).run(
                    org.vpsrecovery.domain.common.Decision::allow, () -> {
                        platform.provider.deleteSnapshot(new org.vpsrecovery.domain.snapshot.SnapshotId(701));
                        return 701;
                    }, deleted -> Optional.empty());
            return org.vpsrecovery.domain.common.Decision.allow();
        }, () -> platform.provider.createSnapshot(new org.vpsrecovery.domain.snapshot.SnapshotDraft(WEB,
                new SnapshotName("after-rotation"), Optional.empty())), made -> Optional.empty());

        assertThat(lock.taken).isEqualTo(1);
        assertThat(lock.held).isEmpty();
        assertThat(platform.provider.snapshot(new org.vpsrecovery.domain.snapshot.SnapshotId(701))).isEmpty();
        // Once the outer attempt ends, the next one takes the lock again.
        attempts.attempt(platform.as(org.vpsrecovery.application.PlatformFixture.BLUE),
                org.vpsrecovery.domain.audit.Operation.CREATE_SNAPSHOT).onServer(WEB).run(
                org.vpsrecovery.domain.common.Decision::allow, () -> 1, x -> Optional.empty());
        assertThat(lock.taken).isEqualTo(2);
    }

    /** A store of operations that loses {@code lock} as the attempt stores its operation: after the check, before the intent. */
    private RecoveryOperations losingTheLockOnStore(LosableServerLock lock) {
        return (RecoveryOperations) Proxy.newProxyInstance(RecoveryOperations.class.getClassLoader(),
                new Class<?>[] {RecoveryOperations.class}, (proxy, method, args) -> {
                    if (method.getName().equals("addUnflushed")) {
                        lock.lost.set(true);
                    }
                    try {
                        return method.invoke(platform.operations, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aCheckThatThrowsServerLockLostIsRejectedOnceNotAgainOnTheWayOutOfTheLock() {
        // A restore's check whose rotation delete (an attempt of its own, within the lock) found the lock lost.
        AuditedAttempts attempts = new AuditedAttempts(writer, platform.operations,
                new InMemoryServerLock(Duration.ofSeconds(5)), platform.clock, TrackingDeadlines.DEFAULTS);
        CallContext context = platform.as(BLUE);

        assertThatThrownBy(() -> attempts.attempt(context, Operation.RESTORE_SNAPSHOT).onServer(WEB).run(() -> {
            throw PlatformUnavailable.serverLockLost("server lock lost in the rotation", Duration.ofSeconds(2));
        }, () -> "called", called -> Optional.empty())).isInstanceOfSatisfying(PlatformUnavailable.class,
                lost -> assertThat(lost.reason()).isEqualTo(ReasonCode.SERVER_LOCK_LOST));

        assertThat(platform.eventsOf(context)).extracting(e -> e.outcome().kind()).containsExactly(Outcome.Kind.REJECTED);
    }

    @Test
    void aLockLostDuringTheCheckRefusesTheCreateServerLockLostWithNoIntentAndVpsOrgNeverCalled() {
        LosableServerLock lock = new LosableServerLock(Duration.ofSeconds(5));
        // Lost while VPS.org's list is read for the check under the lock: another instance may hold it now.
        var listsLosingTheLock = (org.vpsrecovery.domain.port.SnapshotProvider) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {org.vpsrecovery.domain.port.SnapshotProvider.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("list") && lock.holding.get()) {
                        lock.lost.set(true);
                    }
                    try {
                        return method.invoke(platform.provider, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        CreateSnapshotService creates = new CreateSnapshotService(listsLosingTheLock, platform.ownership, platform.limits, platform.serverStates(),
                new AuditedAttempts(writer, platform.operations, lock, platform.clock, TrackingDeadlines.DEFAULTS));
        CallContext context = platform.as(BLUE);

        assertThatThrownBy(() -> creates.createSnapshot(createCommand(context, "lock-lost-early")))
                .isInstanceOfSatisfying(PlatformUnavailable.class, lost -> {
                    assertThat(lost.reason()).isEqualTo(ReasonCode.SERVER_LOCK_LOST);
                    assertThat(lost.retryAfter()).isPositive();
                    assertThat(lost.attemptEndedBeforeTheProvider()).isTrue();
                });

        assertThat(platform.providerCallsStartingWith("create snapshot")).isZero();
        assertThat(platform.operations.list(Optional.of(BLUE), Optional.of(WEB), Optional.empty(), 10)).isEmpty();
        assertThat(platform.eventsOf(context)).singleElement().satisfies(refused -> {
            assertThat(refused.outcome().kind()).isEqualTo(Outcome.Kind.REJECTED);
            assertThat(refused.outcome().reasonCode()).contains(ReasonCode.SERVER_LOCK_LOST);
        });
    }

    @Test
    void aLockLostAfterTheIntentEndsTheCreateFailedServerLockLostAndVpsOrgIsNeverCalled() {
        LosableServerLock lock = new LosableServerLock(Duration.ofSeconds(5));
        CreateSnapshotService creates = new CreateSnapshotService(platform.provider, platform.ownership, platform.limits, platform.serverStates(),
                new AuditedAttempts(writer, losingTheLockOnStore(lock), lock, platform.clock, TrackingDeadlines.DEFAULTS));
        CallContext context = platform.as(BLUE);

        assertThatThrownBy(() -> creates.createSnapshot(createCommand(context, "lock-lost-late")))
                .isInstanceOfSatisfying(PlatformUnavailable.class, lost -> {
                    assertThat(lost.reason()).isEqualTo(ReasonCode.SERVER_LOCK_LOST);
                    assertThat(lost.retryAfter()).isPositive();
                });

        assertThat(platform.providerCallsStartingWith("create snapshot")).isZero();
        // The intent's one final outcome says it was not called; its operation is ended so, never followed at VPS.org.
        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.FAILED);
        assertThat(platform.eventsOf(context).get(1).outcome().reasonCode()).contains(ReasonCode.SERVER_LOCK_LOST);
        assertThat(platform.operations.find(context.operationId()).orElseThrow().state())
                .isEqualTo(OperationState.FAILED);
    }

    @Test
    void aLockLostDuringTheCallChangesNothingAboutRecordingWhatVpsOrgDid() {
        LosableServerLock lock = new LosableServerLock(Duration.ofSeconds(5));
        AuditedAttempts attempts = new AuditedAttempts(writer, platform.operations, lock, platform.clock,
                TrackingDeadlines.DEFAULTS);
        CallContext context = platform.as(BLUE);

        Snapshot made = attempts.attempt(context, Operation.CREATE_SNAPSHOT).onServer(WEB).run(
                org.vpsrecovery.domain.common.Decision::allow, () -> {
                    Snapshot created = platform.provider.createSnapshot(new org.vpsrecovery.domain.snapshot.SnapshotDraft(
                            WEB, new SnapshotName("lost-after-the-call"), Optional.empty()));
                    lock.lost.set(true);
                    return created;
                }, created -> Optional.of(ResourceRef.of(created.id())));

        assertThat(made.name()).isEqualTo("lost-after-the-call");
        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);
    }
}
