package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotName;

/**
 * The whole {@link ProviderContract} plus the limits VPS.org documents: 5 snapshots per server
 * (every one counts, whatever its status) and 10 manual backups per server (automatic ones never
 * count), refused as {@code LIMIT_REACHED}. For implementations that enforce them, like the
 * simulator; not the in-memory fake, which leaves them to the platform so that tests prove it does.
 */
public abstract class ProviderLimitsContract extends ProviderContract {

    private int made;

    private void createSnapshots(int count, ServerRef server) {
        for (int i = 0; i < count; i++) {
            snapshots.createSnapshot(new SnapshotDraft(server.id(), new SnapshotName("fill-" + ++made), Optional.empty()));
        }
    }

    @Test
    void theSixthSnapshotOfAServerIsRefusedAsALimit() {
        createSnapshots(3, WEB); // 801 and 798 are there already

        assertThat(failure(() -> snapshots.createSnapshot(
                new SnapshotDraft(WEB.id(), new SnapshotName("one-too-many"), Optional.empty()))).kind())
                .isEqualTo(Kind.LIMIT_REACHED);
        assertThat(snapshots.listSnapshots(Optional.of(WEB.id()))).hasSize(5);
    }

    @Test
    void snapshotsInProgressAndFailedOnesCountTowardTheLimit() {
        createSnapshots(3, DB); // 803 in progress and 804 failed are there already

        assertThat(failure(() -> snapshots.createSnapshot(
                new SnapshotDraft(DB.id(), new SnapshotName("one-too-many"), Optional.empty()))).kind())
                .isEqualTo(Kind.LIMIT_REACHED);
    }

    @Test
    void theLimitIsPerServerAndADeletedSnapshotFreesItsPlace() {
        createSnapshots(3, WEB);

        createSnapshots(1, DB);
        snapshots.deleteSnapshot(WEEKLY.id());
        createSnapshots(1, WEB);

        assertThat(snapshots.listSnapshots(Optional.of(WEB.id()))).hasSize(5);
    }

    @Test
    void theEleventhManualBackupIsRefusedWhileAutomaticOnesDoNotCount() {
        for (int i = 0; i < 9; i++) { // 499 is there already, and two automatic ones
            backups.createManualBackup(new BackupDraft(WEB.id(), Optional.empty()));
        }

        assertThat(failure(() -> backups.createManualBackup(new BackupDraft(WEB.id(), Optional.empty()))).kind())
                .isEqualTo(Kind.LIMIT_REACHED);
        assertThat(backups.createManualBackup(new BackupDraft(DB.id(), Optional.empty())).isManual()).isTrue();
    }
}
