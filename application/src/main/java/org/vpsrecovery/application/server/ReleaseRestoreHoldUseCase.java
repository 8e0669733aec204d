package org.vpsrecovery.application.server;

import org.vpsrecovery.domain.operation.RecoveryOperation;

/** The owning team ends a restore's hold on its server before the window ends; audited. */
public interface ReleaseRestoreHoldUseCase {

    /** Returns the restore's operation, now {@code released}. No hold: {@code NO_RESTORE_HOLD}. */
    RecoveryOperation releaseRestoreHold(ReleaseRestoreHoldCommand command);
}
