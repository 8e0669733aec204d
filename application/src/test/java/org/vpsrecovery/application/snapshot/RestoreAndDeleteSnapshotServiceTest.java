package org.vpsrecovery.application.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.GREEN;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.server.ServerStatus;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;

class RestoreAndDeleteSnapshotServiceTest {

    private final PlatformFixture platform = new PlatformFixture();
    private final Snapshot completed = platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
    private final Snapshot inProgress = platform.provider.addSnapshot(802, platform.web, CreationStatus.IN_PROGRESS);

    private SnapshotRestoreStarted restore(CallContext context, Snapshot snapshot) {
        return platform.restoreSnapshot().restoreSnapshot(new RestoreSnapshotCommand(context, snapshot.id()));
    }

    private void delete(CallContext context, SnapshotId id) {
        platform.deleteSnapshot().deleteSnapshot(new DeleteSnapshotCommand(context, id));
    }

    private static ReasonCode reasonOf(Throwable e) {
        return ((RecoveryException) e).reason();
    }

    /**
     * A snapshot the platform made is deleted on the server VPS.org's answer named, read again under its lock,
     * without listing every snapshot of the team first; one it did not make is looked up as before (ADR 0048).
     */
    @Test
    void aSnapshotThePlatformMadeIsDeletedWithoutListingTheTeamsSnapshotsFirst() {
        var made = new org.vpsrecovery.application.recoverypoint.kind.RecoveryPointServers();
        var create = new CreateSnapshotService(platform.provider, platform.ownership, platform.limits, platform.serverStates(), platform.attempts(),
                made);
        var deletes = new org.vpsrecovery.application.recoverypoint.DeleteRecoveryPointService(platform.provider,
                platform.provider, platform.ownership, platform.serverStates(), platform.attempts(), platform.holds,
                Optional.empty(), made);
        Snapshot ours = create.createSnapshot(new CreateSnapshotCommand(platform.as(BLUE), WEB,
                new org.vpsrecovery.domain.snapshot.SnapshotName("ours"), Optional.empty()));
        platform.provider.finishCreations();
        long teamLists = platform.provider.calls().stream().filter("list snapshots"::equals).count();

        CallContext context = platform.as(BLUE);
        deletes.deleteSnapshot(new DeleteSnapshotCommand(context, ours.id()));

        assertThat(platform.provider.snapshot(ours.id())).isEmpty();
        assertThat(platform.provider.calls().stream().filter("list snapshots"::equals).count()).isEqualTo(teamLists);
        assertThat(platform.provider.calls()).contains("list snapshots of " + WEB);
        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);
        assertThat(platform.eventsOf(context).getFirst().detail()).containsEntry(AuditEvent.RECOVERY_POINT_STATUS, "completed");

        // Gone: a second delete is refused as not found, and another team never learns where a point was.
        CallContext again = platform.as(BLUE);
        assertThatThrownBy(() -> deletes.deleteSnapshot(new DeleteSnapshotCommand(again, ours.id())))
                .isInstanceOf(ResourceNotFound.class);
        Snapshot other = create.createSnapshot(new CreateSnapshotCommand(platform.as(BLUE), WEB,
                new org.vpsrecovery.domain.snapshot.SnapshotName("other"), Optional.empty()));
        platform.provider.finishCreations();
        assertThatThrownBy(() -> deletes.deleteSnapshot(new DeleteSnapshotCommand(platform.as(GREEN), other.id())))
                .isInstanceOf(ResourceNotFound.class)
                .extracting(RestoreAndDeleteSnapshotServiceTest::reasonOf).isEqualTo(ReasonCode.SNAPSHOT_NOT_FOUND);
        assertThat(platform.provider.snapshot(other.id())).isPresent();
    }

    @Test
    void restoresACompletedSnapshotAndTheServerGoesToRestoring() {
        CallContext context = platform.as(BLUE);

        SnapshotRestoreStarted started = restore(context, completed);

        assertThat(started.snapshot().id()).isEqualTo(completed.id());
        assertThat(started.server().status()).isEqualTo(ServerStatus.RESTORING);
        assertThat(platform.provider.calls()).contains("restore snapshot 801");
        assertThat(platform.eventsOf(context)).extracting(e -> e.outcome().kind())
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);
        assertThat(platform.eventsOf(context).get(1).resource()).contains(ResourceRef.of(completed.id()));
        assertThat(platform.eventsOf(context).get(1).server()).contains(WEB);
    }

    @Test
    void anUnfinishedSnapshotIsNotRestored() {
        CallContext context = platform.as(BLUE);
        assertThatThrownBy(() -> restore(context, inProgress))
                .isInstanceOf(RecoveryDenied.class)
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.SNAPSHOT_NOT_COMPLETED));
        assertThat(platform.providerCallsStartingWith("restore")).isZero();
        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.REJECTED);
    }

    @Test
    void aServerStillRestoringTakesNoSecondRestoreUntilTheDocumentedWindowPasses() {
        Snapshot other = platform.provider.addSnapshot(798, platform.web, CreationStatus.COMPLETED);
        restore(platform.as(BLUE), completed);

        assertThatThrownBy(() -> restore(platform.as(BLUE), other))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.SERVER_NOT_RESTORABLE));

        platform.clock.advance(org.vpsrecovery.application.attempt.TrackingDeadlines.SNAPSHOT_RESTORE_WINDOW.plusSeconds(1));
        assertThat(restore(platform.as(BLUE), other).snapshot().id()).isEqualTo(other.id());
    }

    @Test
    void anotherTeamsSnapshotIsNotFoundAndNeverRestoredNorDeleted() {
        CallContext restoreAttempt = platform.as(GREEN);
        CallContext deleteAttempt = platform.as(GREEN);

        assertThatThrownBy(() -> restore(restoreAttempt, completed))
                .isInstanceOf(ResourceNotFound.class)
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.SNAPSHOT_NOT_FOUND));
        assertThatThrownBy(() -> delete(deleteAttempt, completed.id()))
                .isInstanceOf(ResourceNotFound.class)
                .hasMessage("snapshot 801 not found");
        // Exactly what a snapshot that does not exist at all answers.
        assertThatThrownBy(() -> delete(platform.as(BLUE), new SnapshotId(999_999)))
                .isInstanceOf(ResourceNotFound.class)
                .hasMessage("snapshot 999999 not found");
        assertThat(platform.providerCallsStartingWith("restore")).isZero();
        assertThat(platform.providerCallsStartingWith("delete")).isZero();
        assertThat(platform.eventsOf(restoreAttempt)).singleElement().extracting(AuditEvent::outcome)
                .isEqualTo(new Outcome.Rejected(ReasonCode.SNAPSHOT_NOT_FOUND));
    }

    @Test
    void aDeleteOrRestoreWhoseLookupFailsAtTheProviderIsAuditedFailedAndNothingIsAsked() {
        CallContext deleteAttempt = platform.as(BLUE);
        CallContext restoreAttempt = platform.as(BLUE);
        var unavailable = new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE, "VPS.org answered 503",
                OptionalInt.of(503), Optional.empty(), null);

        platform.provider.failNextCallWith(unavailable);
        assertThatThrownBy(() -> delete(deleteAttempt, completed.id())).isSameAs(unavailable);
        platform.provider.failNextCallWith(unavailable);
        assertThatThrownBy(() -> restore(restoreAttempt, completed)).isSameAs(unavailable);

        for (CallContext context : new CallContext[] {deleteAttempt, restoreAttempt}) {
            assertThat(platform.eventsOf(context)).singleElement().satisfies(event -> {
                assertThat(event.outcome()).isEqualTo(new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE, "VPS.org answered 503"));
                assertThat(event.resource()).contains(ResourceRef.of(completed.id()));
                assertThat(event.providerStatus()).hasValue(503);
            });
        }
        assertThat(platform.providerCallsStartingWith("delete")).isZero();
        assertThat(platform.providerCallsStartingWith("restore")).isZero();
        assertThat(platform.provider.snapshot(completed.id())).isPresent();
    }

    @Test
    void deletesACompletedOrFailedSnapshot() {
        Snapshot failed = platform.provider.addSnapshot(803, platform.web, CreationStatus.FAILED);
        CallContext context = platform.as(BLUE);

        delete(context, completed.id());
        delete(platform.as(BLUE), failed.id());

        assertThat(platform.provider.snapshot(completed.id())).isEmpty();
        assertThat(platform.provider.snapshot(failed.id())).isEmpty();
        assertThat(platform.outcomesOf(context)).containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED);
    }

    @Test
    void aSnapshotStillBeingMadeIsNotDeleted() {
        assertThatThrownBy(() -> delete(platform.as(BLUE), inProgress.id()))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.SNAPSHOT_IN_PROGRESS));
        assertThat(platform.provider.snapshot(inProgress.id())).isPresent();
    }

    @Test
    void noSnapshotOfARestoringServerIsDeleted() {
        Snapshot other = platform.provider.addSnapshot(798, platform.web, CreationStatus.COMPLETED);
        restore(platform.as(BLUE), completed);

        assertThatThrownBy(() -> delete(platform.as(BLUE), other.id()))
                .satisfies(e -> assertThat(reasonOf(e)).isEqualTo(ReasonCode.SERVER_RESTORING));
        assertThat(platform.provider.snapshot(other.id())).isPresent();
    }

    @Test
    void listsOnlyTheTeamsSnapshotsAndAnotherTeamsServerListsAsEmpty() {
        platform.provider.addSnapshot(900, platform.greenServer, CreationStatus.COMPLETED);
        var list = platform.listSnapshots();

        assertThat(list.listSnapshots(new ListSnapshotsQuery(BLUE, Optional.empty())))
                .extracting(Snapshot::id).containsExactly(completed.id(), inProgress.id());
        assertThat(list.listSnapshots(new ListSnapshotsQuery(GREEN, Optional.empty())))
                .extracting(s -> s.id().value()).containsExactly(900L);
        assertThat(list.listSnapshots(new ListSnapshotsQuery(GREEN, Optional.of(WEB)))).isEmpty();
    }
}
