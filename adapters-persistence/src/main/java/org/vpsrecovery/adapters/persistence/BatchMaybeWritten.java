package org.vpsrecovery.adapters.persistence;

import java.sql.SQLException;

/**
 * A batch's round trip failed after its {@code COMMIT} may have run (the flush's wait after it failed, or the connection
 * was lost or timed out before the answer), or the writer's checks of what a committed statement wrote failed (ADR 0102,
 * amended in session 43): the batch may be on the chain. Never "not written": whoever writes its
 * events again looks them up first (ADR 0141's kept events; ADR 0102, amended in session 42).
 */
final class BatchMaybeWritten extends SQLException {

    BatchMaybeWritten(Exception cause) {
        super("the batch's round trip failed after its commit may have run: " + cause.getMessage(),
                cause instanceof SQLException sql ? sql.getSQLState() : null, cause);
    }
}
