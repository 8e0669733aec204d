package org.vpsrecovery.application.restore;

import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotName;

/**
 * Takes a snapshot through the ordinary, audited {@code CREATE_SNAPSHOT} attempt (the create use case,
 * wired in by the composition root, so this package does not depend on the snapshot package's).
 */
@FunctionalInterface
public interface SafetySnapshotTaker {

    /** {@code restore}: the restore it is the safety snapshot of, whose hold on {@code server} lets it be made. */
    void take(CallContext context, OperationId restore, ServerId server, SnapshotName name, Description description);
}
