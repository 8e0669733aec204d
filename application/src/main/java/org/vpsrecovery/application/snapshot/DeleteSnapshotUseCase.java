package org.vpsrecovery.application.snapshot;

/** Deletes one of the team's snapshots for good, unless it is still being made or its server is restoring. */
public interface DeleteSnapshotUseCase {

    void deleteSnapshot(DeleteSnapshotCommand command);

    /**
     * As asked over the API: deleted at once (empty), or, when the team's deletes need a second person,
     * checked now and stored waiting for approval (the operation, ADR 0040).
     */
    default java.util.Optional<org.vpsrecovery.domain.operation.RecoveryOperation> requestDeleteSnapshot(DeleteSnapshotCommand command) {
        deleteSnapshot(command);
        return java.util.Optional.empty();
    }
}
