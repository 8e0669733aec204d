package org.vpsrecovery.application.recoverypoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.GREEN;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.backup.CreateManualBackupCommand;
import org.vpsrecovery.application.backup.DeleteBackupCommand;
import org.vpsrecovery.application.hold.HoldCaller;
import org.vpsrecovery.application.hold.PlaceHoldCommand;
import org.vpsrecovery.application.snapshot.DeleteSnapshotCommand;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.snapshot.Snapshot;

/**
 * A list joined from pages can leave out a point that is there (a delete and an add between two page reads, ADR 0010
 * amended in session 38). A point looked up by id is looked for again in a list read consistently before the caller
 * hears 404: the team's read, its delete, and a hold find it.
 */
class PointsLeftOutOfPagedListsTest {

    private final PlatformFixture platform = new PlatformFixture();

    @Test
    void aSnapshotLeftOutOfAPagedListIsFoundHeldAndDeletedNotRefusedAsNotFound() {
        Snapshot there = platform.provider.addSnapshot(798, platform.web, CreationStatus.COMPLETED);
        Snapshot held = platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        platform.provider.leaveOutOfPagedLists(ResourceRef.of(there.id()));
        platform.provider.leaveOutOfPagedLists(ResourceRef.of(held.id()));

        assertThat(platform.listSnapshots().find(BLUE, there.id())).contains(there);
        assertThat(platform.listSnapshots().find(GREEN, there.id())).as("another team's, still not told apart").isEmpty();
        platform.recoveryPointHolds().placeHold(new PlaceHoldCommand(new HoldCaller(new HoldActor.Team(BLUE),
                new RequestId("hold-1"), OperationId.random()), ResourceRef.of(held.id()), new HoldReason("audit")));
        platform.deleteSnapshot().deleteSnapshot(new DeleteSnapshotCommand(platform.as(BLUE), there.id()));

        assertThat(platform.provider.snapshot(there.id())).isEmpty();
    }

    @Test
    void aBackupLeftOutOfAPagedListIsFoundAndDeletedNotRefusedAsNotFound() {
        Backup there = platform.provider.addBackup(499, platform.web, BackupType.MANUAL, CreationStatus.COMPLETED,
                Optional.empty());
        platform.provider.leaveOutOfPagedLists(ResourceRef.of(there.id()));

        assertThat(platform.listBackups().find(BLUE, there.id())).contains(there);
        platform.deleteBackup().deleteBackup(new DeleteBackupCommand(platform.as(BLUE), there.id()));

        assertThat(platform.provider.backup(there.id())).isEmpty();
    }

    /**
     * A request's consistent look-ups share one deadline (ADR 0010, amended in session 39): a delete's and a hold's two
     * look-ups (the account's list, then the server's under its lock) each pass their request's one bound, and every
     * request has its own. With each read its own deadline, a request missing its point on a slow, changing list in
     * pages could outlast its idempotency lease and call slot.
     */
    @Test
    void theLookUpsOfOneRequestShareOneDeadlineAndEachRequestHasItsOwn() {
        Snapshot deleted = platform.provider.addSnapshot(798, platform.web, CreationStatus.COMPLETED);
        Snapshot held = platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        platform.provider.leaveOutOfPagedLists(ResourceRef.of(deleted.id()));
        platform.provider.leaveOutOfPagedLists(ResourceRef.of(held.id()));

        platform.deleteSnapshot().deleteSnapshot(new DeleteSnapshotCommand(platform.as(BLUE), deleted.id()));
        List<ConsistentListBound> deletes = platform.provider.consistentListBounds();
        platform.recoveryPointHolds().placeHold(new PlaceHoldCommand(new HoldCaller(new HoldActor.Team(BLUE),
                new RequestId("hold-1"), OperationId.random()), ResourceRef.of(held.id()), new HoldReason("audit")));
        List<ConsistentListBound> holds = platform.provider.consistentListBounds().subList(deletes.size(),
                platform.provider.consistentListBounds().size());
        platform.createManualBackup().createManualBackup(new CreateManualBackupCommand(platform.as(BLUE), WEB,
                Optional.empty()));
        List<ConsistentListBound> all = platform.provider.consistentListBounds();
        List<ConsistentListBound> backups = all.subList(deletes.size() + holds.size(), all.size());

        assertThat(deletes).as("the delete's look-ups, before and under the lock").hasSize(2)
                .allMatch(ConsistentListBound::sharesOneDeadline).allMatch(bound -> bound == deletes.get(0));
        assertThat(holds).as("the hold's").hasSize(2)
                .allMatch(ConsistentListBound::sharesOneDeadline).allMatch(bound -> bound == holds.get(0));
        assertThat(backups).as("the manual backup's limit").isNotEmpty()
                .allMatch(ConsistentListBound::sharesOneDeadline).allMatch(bound -> bound == backups.get(0));
        assertThat(List.of(deletes.get(0), holds.get(0), backups.get(0))).as("one bound per request").doesNotHaveDuplicates();
    }
}
