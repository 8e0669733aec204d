package org.vpsrecovery.application.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.GREEN_SERVER;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ServerBusy;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.domain.testing.FixedServerOwnership;
import org.vpsrecovery.domain.testing.InMemoryServerLock;

class CreateSnapshotServiceTest {

    private final PlatformFixture platform = new PlatformFixture();

    private CreateSnapshotCommand command(CallContext context, ServerId server, String name) {
        return new CreateSnapshotCommand(context, server, new SnapshotName(name),
                Optional.of(new Description("Snapshot before system update")));
    }

    @Test
    void createsASnapshotAndAuditsIntentThenOutcome() {
        CallContext context = platform.as(BLUE);

        Snapshot created = platform.createSnapshot().createSnapshot(command(context, WEB, "before-update-snapshot"));

        assertThat(created.name()).isEqualTo("before-update-snapshot");
        assertThat(created.isInProgress()).isTrue();
        assertThat(created.description()).isEqualTo("Snapshot before system update");
        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);
        AuditEvent completed = platform.eventsOf(context).get(1);
        assertThat(completed.team()).isEqualTo(BLUE);
        assertThat(completed.server()).contains(WEB);
        assertThat(completed.resource()).contains(ResourceRef.of(created.id()));
        assertThat(completed.detail()).containsEntry("name", "before-update-snapshot");
    }

    @Test
    void theFifthSnapshotIsAllowedAndTheSixthRefusedBeforeTheProvider() {
        for (int i = 0; i < 3; i++) {
            platform.provider.addSnapshot(900 + i, platform.web, CreationStatus.COMPLETED);
        }
        platform.provider.addSnapshot(950, platform.web, CreationStatus.IN_PROGRESS);
        var service = platform.createSnapshot();

        service.createSnapshot(command(platform.as(BLUE), WEB, "fifth"));
        CallContext sixth = platform.as(BLUE);
        long createsBefore = platform.providerCallsStartingWith("create snapshot");

        assertThatThrownBy(() -> service.createSnapshot(command(sixth, WEB, "sixth")))
                .isInstanceOf(RecoveryDenied.class)
                .extracting(e -> ((RecoveryException) e).reason()).isEqualTo(ReasonCode.SNAPSHOT_LIMIT_REACHED);
        assertThat(platform.providerCallsStartingWith("create snapshot")).isEqualTo(createsBefore);
        assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(5);
        assertThat(platform.eventsOf(sixth)).singleElement()
                .extracting(AuditEvent::outcome).isEqualTo(new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED));
    }

    /**
     * VPS.org stops a server it restores and overwrites its data: a snapshot made meanwhile would be tracked completed and
     * shown as the newest point though it holds neither the old data nor the restored. A person's create on a server a
     * restore holds is refused {@code SERVER_RESTORING}, saying when the hold ends (the web adapter's Retry-After), and
     * VPS.org is not asked; the server takes creates again once the hold is over (ADR 0003, amended in session 49).
     * Before, the snapshot was made.
     */
    @Test
    void aCreateOnAServerARestoreHoldsIsRefusedUntilTheHoldEnds() {
        Snapshot restored = platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        platform.restoreSnapshot().restoreSnapshot(new RestoreSnapshotCommand(platform.as(BLUE), restored.id()));
        java.time.Instant holdEnds = platform.serverStates().current(platform.web).hold().orElseThrow().until();
        CallContext context = platform.as(BLUE);

        assertThatThrownBy(() -> platform.createSnapshot().createSnapshot(command(context, WEB, "during-restore")))
                .isInstanceOfSatisfying(RecoveryDenied.class, denied -> {
                    assertThat(denied.reason()).isEqualTo(ReasonCode.SERVER_RESTORING);
                    assertThat(denied.retryAt()).contains(holdEnds);
                });
        assertThat(platform.providerCallsStartingWith("create snapshot")).isZero();
        assertThat(platform.eventsOf(context)).singleElement()
                .extracting(AuditEvent::outcome).isEqualTo(new Outcome.Rejected(ReasonCode.SERVER_RESTORING));

        platform.clock.advance(java.time.Duration.between(platform.clock.instant(), holdEnds));
        assertThat(platform.createSnapshot().createSnapshot(command(platform.as(BLUE), WEB, "after-restore")).name())
                .isEqualTo("after-restore");
    }

    @Test
    void failedAndUnknownSnapshotsStillCountTowardTheQuota() {
        platform.provider.addSnapshot(901, platform.web, CreationStatus.FAILED);
        platform.provider.addSnapshot(902, platform.web, new CreationStatus(CreationStatus.Phase.UNKNOWN, "archiving"));
        platform.provider.addSnapshot(903, platform.web, CreationStatus.IN_PROGRESS);
        platform.provider.addSnapshot(904, platform.web, CreationStatus.COMPLETED);
        platform.provider.addSnapshot(905, platform.web, CreationStatus.COMPLETED);

        assertThatThrownBy(() -> platform.createSnapshot().createSnapshot(command(platform.as(BLUE), WEB, "x")))
                .isInstanceOf(RecoveryDenied.class);
    }

    @Test
    void snapshotsOfOtherServersDoNotCount() {
        for (int i = 0; i < 5; i++) {
            platform.provider.addSnapshot(900 + i, platform.spare, CreationStatus.COMPLETED);
        }
        assertThat(platform.createSnapshot().createSnapshot(command(platform.as(BLUE), WEB, "ok"))).isNotNull();
    }

    @Test
    void aTeamHeldLowerIsRefusedAtItsOwnLimit() {
        TeamId small = new TeamId("small");
        var ownership = new FixedServerOwnership(java.util.Map.of(small, java.util.Set.of(WEB)));
        var service = new CreateSnapshotService(platform.provider, ownership, platform.limits, platform.serverStates(), platform.attempts());
        service.createSnapshot(command(platform.as(small), WEB, "one"));
        service.createSnapshot(command(platform.as(small), WEB, "two"));

        assertThatThrownBy(() -> service.createSnapshot(command(platform.as(small), WEB, "three")))
                .isInstanceOf(RecoveryDenied.class)
                .hasMessageContaining("2 of its 2");
    }

    @Test
    void anotherTeamsServerIsNotFoundAndTheProviderIsNotCalled() {
        CallContext context = platform.as(BLUE);

        assertThatThrownBy(() -> platform.createSnapshot().createSnapshot(command(context, GREEN_SERVER, "sneaky")))
                .isInstanceOf(ResourceNotFound.class)
                .extracting(e -> ((RecoveryException) e).reason()).isEqualTo(ReasonCode.SERVER_NOT_FOUND);
        assertThat(platform.provider.calls()).isEmpty();
        assertThat(platform.eventsOf(context)).singleElement()
                .extracting(AuditEvent::outcome).isEqualTo(new Outcome.Rejected(ReasonCode.SERVER_NOT_FOUND));
    }

    @Test
    void aFailedReadOfTheProvidersStateIsAuditedWithoutAnIntent() {
        CallContext context = platform.as(BLUE);
        var failure = new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE, "VPS.org answered 503",
                OptionalInt.of(503), Optional.empty(), null);
        platform.provider.failNextCallWith(failure);

        assertThatThrownBy(() -> platform.createSnapshot().createSnapshot(command(context, WEB, "s"))).isSameAs(failure);

        assertThat(platform.eventsOf(context)).singleElement().satisfies(event -> {
            assertThat(event.outcome()).isEqualTo(new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE, "VPS.org answered 503"));
            assertThat(event.providerStatus()).hasValue(503);
        });
        assertThat(platform.providerCallsStartingWith("create snapshot")).isZero();
    }

    /**
     * A create whose call never left the platform (here: no connection to VPS.org) is audited FAILED "not sent" after
     * its intent, never as a call VPS.org failed (ADR 0010, amended in session 52). Before, the cause was the adapter's
     * text alone ("could not be reached"), which read as an attempt at VPS.org.
     */
    @Test
    void aCreateNeverSentIsAuditedNotSent() {
        CallContext context = platform.as(BLUE);
        var failure = ProviderFailure.neverSent(ProviderFailure.NotSent.NO_CONNECTION,
                "VPS.org could not be reached to create a snapshot (Connection refused)", Optional.empty(), null);
        var service = new CreateSnapshotService(new FailingCreates(platform, failure), platform.ownership,
                platform.limits, platform.serverStates(), platform.attempts());

        assertThatThrownBy(() -> service.createSnapshot(command(context, WEB, "s")))
                .isInstanceOfSatisfying(ProviderFailure.class, thrown -> {
                    assertThat(thrown.neverSent()).isTrue();
                    assertThat(thrown.operation()).contains(context.operationId());
                    assertThat(thrown.lastTryNotSent()).hasValue(ProviderFailure.NotSent.NO_CONNECTION);
                });

        List<AuditEvent> events = platform.eventsOf(context);
        assertThat(events).extracting(e -> e.outcome().kind()).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.FAILED);
        assertThat(events.get(1).outcome()).isEqualTo(new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE,
                "not sent (the call never left this instance): VPS.org could not be reached to create a snapshot "
                        + "(Connection refused)"));
        assertThat(events.get(1).providerStatus()).isEmpty();
    }

    @Test
    void aCreateWhoseAnswerWasLostIsUnresolvedNeverFailed() {
        CallContext context = platform.as(BLUE);
        var failure = new ProviderFailure(ProviderFailure.Kind.OUTCOME_UNKNOWN, "no answer within 10s");
        var service = new CreateSnapshotService(new FailingCreates(platform, failure), platform.ownership,
                platform.limits, platform.serverStates(), platform.attempts());

        assertThatThrownBy(() -> service.createSnapshot(command(context, WEB, "s")))
                .isInstanceOfSatisfying(ProviderFailure.class, thrown -> {
                    assertThat(thrown.kind()).isEqualTo(ProviderFailure.Kind.OUTCOME_UNKNOWN);
                    assertThat(thrown).hasMessage("no answer within 10s");
                    // Named by the operation stored before the call: the facade names it without a read (session 40).
                    assertThat(thrown.operation()).contains(context.operationId());
                });

        List<AuditEvent> events = platform.eventsOf(context);
        assertThat(events).extracting(e -> e.outcome().kind())
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED);
        assertThat(events.get(1).outcome())
                .isEqualTo(new Outcome.Unresolved(ReasonCode.OUTCOME_UNKNOWN, "no answer within 10s"));
        // Both events name the same attempt, and the intent stays open: its operation, unresolved, is
        // the tracker's to settle, so it is not on the reconciler's page of pending intents.
        assertThat(events.get(0).attemptId()).isPresent().isEqualTo(events.get(1).attemptId());
        assertThat(platform.operations.find(context.operationId()).orElseThrow().state())
                .isEqualTo(org.vpsrecovery.domain.operation.OperationState.UNRESOLVED);
        assertThat(platform.history.pendingIntents(platform.clock.instant().plusSeconds(1), 10)).isEmpty();
    }

    /**
     * VPS.org answers the create of WEB's snapshot with a snapshot of GREEN_SERVER (another team's): nothing of it
     * reaches the caller, and the create is unresolved, settled by listing WEB, never submitted as that snapshot.
     */
    @Test
    void aCreateAnsweredWithAnotherServersSnapshotIsUnresolvedAndShowsNothingOfIt() {
        CallContext context = platform.as(BLUE);
        var elsewhere = new org.vpsrecovery.domain.testing.ForwardingSnapshotProvider(platform.provider) {
            @Override
            public Snapshot createSnapshot(org.vpsrecovery.domain.snapshot.SnapshotDraft draft) {
                return super.createSnapshot(new org.vpsrecovery.domain.snapshot.SnapshotDraft(GREEN_SERVER, draft.name(),
                        draft.description()));
            }
        };
        // As the composition root builds it: the shared reads over what holds the answers to the asked server.
        var asked = new org.vpsrecovery.application.provider.ProviderAnswersOnTheAskedServer(elsewhere, platform.provider);
        var service = new CreateSnapshotService(new org.vpsrecovery.application.provider.SharedListReads(asked, asked),
                platform.ownership, platform.limits, platform.serverStates(), platform.attempts());

        ProviderFailure failure = org.assertj.core.api.Assertions.catchThrowableOfType(ProviderFailure.class,
                () -> service.createSnapshot(command(context, WEB, "pre-deploy")));

        assertThat(failure.kind()).isEqualTo(ProviderFailure.Kind.OUTCOME_UNKNOWN);
        Snapshot theirs = platform.provider.listSnapshots(Optional.of(GREEN_SERVER)).getFirst();
        assertThat(failure.getMessage()).doesNotContain(theirs.server().name())
                .doesNotContain(String.valueOf(GREEN_SERVER.value()));
        List<AuditEvent> events = platform.eventsOf(context);
        assertThat(events).extracting(e -> e.outcome().kind())
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED);
        assertThat(events).allSatisfy(e -> assertThat(e.resource()).isNotEqualTo(Optional.of(ResourceRef.of(theirs.id()))));
        assertThat(platform.operations.find(context.operationId()).orElseThrow().state())
                .isEqualTo(org.vpsrecovery.domain.operation.OperationState.UNRESOLVED);
    }

    @Test
    void aBusyServerIsRefusedAndAudited() throws Exception {
        var lock = new InMemoryServerLock(Duration.ofMillis(100));
        var service = platform.createSnapshot(lock);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            holdTheLock(lock, pool, release);
            CallContext context = platform.as(BLUE);

            assertThatThrownBy(() -> service.createSnapshot(command(context, WEB, "s"))).isInstanceOf(ServerBusy.class);
            assertThat(platform.eventsOf(context)).singleElement()
                    .extracting(AuditEvent::outcome).isEqualTo(new Outcome.Rejected(ReasonCode.SERVER_BUSY));
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /** A refusal at the limit is decided from a read without the lock: it does not wait for the lock's holder. */
    @Test
    void aServerAtItsLimitIsRefusedWithoutWaitingForItsLock() throws Exception {
        for (int i = 0; i < 5; i++) {
            platform.provider.addSnapshot(900 + i, platform.web, CreationStatus.COMPLETED);
        }
        var lock = new InMemoryServerLock(Duration.ofMillis(100));
        var service = platform.createSnapshot(lock);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            holdTheLock(lock, pool, release);
            CallContext context = platform.as(BLUE);

            assertThatThrownBy(() -> service.createSnapshot(command(context, WEB, "over")))
                    .isInstanceOf(RecoveryDenied.class)
                    .extracting(e -> ((RecoveryException) e).reason()).isEqualTo(ReasonCode.SNAPSHOT_LIMIT_REACHED);
            assertThat(platform.eventsOf(context)).singleElement()
                    .extracting(AuditEvent::outcome).isEqualTo(new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED));
            assertThat(platform.providerCallsStartingWith("create snapshot")).isZero();
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /**
     * After an allowed check, the next create of the server reads VPS.org's list once, under the lock; a denial
     * there brings the read without the lock back, so the refusals after it do not wait for the lock (ADR 0048).
     */
    @Test
    void theEarlyReadIsMadeOnlyAfterADenialOrWhenNothingIsKnown() throws Exception {
        var lock = new InMemoryServerLock(Duration.ofMillis(100));
        var service = platform.createSnapshot(lock);

        long lists = platform.providerCallsStartingWith("list snapshots");
        service.createSnapshot(command(platform.as(BLUE), WEB, "first"));
        assertThat(platform.providerCallsStartingWith("list snapshots") - lists)
                .as("nothing known yet: read without the lock, then under it").isEqualTo(2);

        lists = platform.providerCallsStartingWith("list snapshots");
        service.createSnapshot(command(platform.as(BLUE), WEB, "second"));
        assertThat(platform.providerCallsStartingWith("list snapshots") - lists)
                .as("the last check allowed: read once, under the lock").isEqualTo(1);

        for (int i = 0; i < 3; i++) {
            platform.provider.addSnapshot(900 + i, platform.web, CreationStatus.COMPLETED);
        }
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CallContext first = platform.as(BLUE);
            assertThatThrownBy(() -> service.createSnapshot(command(first, WEB, "full")))
                    .isInstanceOf(RecoveryDenied.class)
                    .extracting(e -> ((RecoveryException) e).reason()).isEqualTo(ReasonCode.SNAPSHOT_LIMIT_REACHED);
            assertThat(platform.eventsOf(first)).singleElement()
                    .extracting(AuditEvent::outcome).isEqualTo(new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED));

            holdTheLock(lock, pool, release);
            CallContext next = platform.as(BLUE);
            assertThatThrownBy(() -> service.createSnapshot(command(next, WEB, "still-full")))
                    .as("after a denial the check is read without the lock: refused, not busy")
                    .isInstanceOf(RecoveryDenied.class)
                    .extracting(e -> ((RecoveryException) e).reason()).isEqualTo(ReasonCode.SNAPSHOT_LIMIT_REACHED);
            assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(5);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void twentyConcurrentCreatesOnOneServerNeverGetPastFive() throws Exception {
        platform.provider.delayMutations(Duration.ofMillis(20));
        var service = platform.createSnapshot(new InMemoryServerLock(Duration.ofSeconds(60)));

        List<Outcome> outcomes = createConcurrently(service, 20);

        assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(5);
        assertThat(outcomes.stream().filter(o -> o instanceof Outcome.Completed)).hasSize(5);
        assertThat(outcomes).filteredOn(o -> o instanceof Outcome.Rejected)
                .hasSize(15)
                .allMatch(o -> ((Outcome.Rejected) o).reason() == ReasonCode.SNAPSHOT_LIMIT_REACHED);
    }

    @Test
    void withoutTheServerLockTheSameRaceBreaksTheLimit() throws Exception {
        // The control for the test above: it is the lock, not luck, that holds the limit.
        platform.provider.delayMutations(Duration.ofMillis(50));
        ServerLock noLock = new ServerLock() {
            @Override
            public <T> T callExclusively(ServerId server, Supplier<T> work) {
                return work.get();
            }
        };

        createConcurrently(platform.createSnapshot(noLock), 20);

        assertThat(platform.provider.snapshotCount(WEB)).isGreaterThan(5);
    }

    private List<Outcome> createConcurrently(CreateSnapshotService service, int callers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                String name = "concurrent-" + i;
                Callable<Outcome> call = () -> {
                    start.await();
                    try {
                        service.createSnapshot(command(platform.as(BLUE), WEB, name));
                        return new Outcome.Completed();
                    } catch (RecoveryDenied denied) {
                        return new Outcome.Rejected(denied.reason());
                    }
                };
                futures.add(pool.submit(call));
            }
            start.countDown();
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The fixture's provider, except that every create fails with the given failure. */
    private record FailingCreates(PlatformFixture platform, ProviderFailure failure)
            implements org.vpsrecovery.domain.port.SnapshotProvider {
        public List<Snapshot> listSnapshots(Optional<ServerId> server) {
            return platform.provider.listSnapshots(server);
        }

        public Snapshot createSnapshot(org.vpsrecovery.domain.snapshot.SnapshotDraft draft) {
            throw failure;
        }

        public org.vpsrecovery.domain.port.RestoreStarted restoreSnapshot(org.vpsrecovery.domain.snapshot.SnapshotId id,
                                                                         ServerId itsServer) {
            return platform.provider.restoreSnapshot(id, itsServer);
        }

        public void deleteSnapshot(org.vpsrecovery.domain.snapshot.SnapshotId id) {
            platform.provider.deleteSnapshot(id);
        }
    }

    /** Holds the server WEB's lock on {@code pool} until {@code release} counts down; returns once it is held. */
    private static void holdTheLock(InMemoryServerLock lock, ExecutorService pool, CountDownLatch release)
            throws InterruptedException {
        CountDownLatch holding = new CountDownLatch(1);
        pool.submit(() -> lock.callExclusively(WEB, () -> {
            holding.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
