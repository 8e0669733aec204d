package org.vpsrecovery.application.snapshot;

import org.vpsrecovery.domain.snapshot.Snapshot;

/**
 * Starts a snapshot of one of the team's servers, if its snapshot quota allows. Throws
 * {@code ResourceNotFound}, {@code RecoveryDenied}, {@code ServerBusy} or {@code ProviderFailure}.
 */
public interface CreateSnapshotUseCase {

    Snapshot createSnapshot(CreateSnapshotCommand command);
}
