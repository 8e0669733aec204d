package org.vpsrecovery.application.plan;

import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** Dry runs of the destructive calls (ADR 0029): answered, audited as plans, never done. */
public interface PlanDestructiveWorkUseCase {

    Plan planDeleteSnapshot(CallContext context, SnapshotId snapshot);

    Plan planDeleteBackup(CallContext context, BackupId backup);

    Plan planRestoreSnapshot(CallContext context, SnapshotId snapshot);

    Plan planRestoreServerFromBackup(CallContext context, ServerId server, BackupId backup);

    /** With {@code skipSafetySnapshot}, as the restore asked with {@code skip_safety_snapshot=true} would run. */
    default Plan planRestoreSnapshot(CallContext context, SnapshotId snapshot, boolean skipSafetySnapshot) {
        return planRestoreSnapshot(context, snapshot);
    }

    default Plan planRestoreServerFromBackup(CallContext context, ServerId server, BackupId backup,
                                             boolean skipSafetySnapshot) {
        return planRestoreServerFromBackup(context, server, backup);
    }
}
