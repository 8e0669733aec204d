package org.vpsrecovery.application.server;

/** The owning team ends a restore's hold on its server before the window ends; audited. */
public interface ReleaseRestoreHoldUseCase {

    /**
     * The hold released, with the restore's operation (now {@code released}) when the caller's team asked the restore;
     * without it when another team did, before the teams file moved the server. No hold: {@code NO_RESTORE_HOLD}.
     */
    ReleasedRestoreHold releaseRestoreHold(ReleaseRestoreHoldCommand command);
}
