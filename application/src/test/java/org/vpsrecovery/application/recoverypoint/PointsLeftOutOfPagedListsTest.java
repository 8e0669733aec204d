package org.vpsrecovery.application.recoverypoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.GREEN;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
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
}
