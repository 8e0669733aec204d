package org.vpsrecovery.application.restore;

import java.util.Objects;
import org.vpsrecovery.domain.operation.RecoveryOperation;

/**
 * What a restore request came to: started at once, or stored, waiting for its safety snapshot (ADR 0029)
 * or for a second person's approval (ADR 0040).
 */
public sealed interface RestoreAnswer<T> {

    /** VPS.org was asked at once (no safety snapshot: the team's setting is off, or the caller skipped it). */
    record Started<T>(T started) implements RestoreAnswer<T> {
        public Started {
            Objects.requireNonNull(started, "started");
        }
    }

    /** The restore is stored, waiting; the continuation asks VPS.org once its safety snapshot completes. */
    record AwaitingSafetySnapshot<T>(RecoveryOperation restore) implements RestoreAnswer<T> {
        public AwaitingSafetySnapshot {
            Objects.requireNonNull(restore, "restore");
        }
    }

    /** The restore is checked and stored, waiting for a second person of the team to approve or deny it (ADR 0040). */
    record PendingApproval<T>(RecoveryOperation restore) implements RestoreAnswer<T> {
        public PendingApproval {
            Objects.requireNonNull(restore, "restore");
        }
    }
}
