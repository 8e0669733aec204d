package org.vpsrecovery.domain.idempotency;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.operation.OperationId;

/** What {@code IdempotencyRecords.begin} found for a key. */
public sealed interface BeginResult {

    /** The key was free (or its record had expired): this request owns it now and must complete or release it. */
    record Started() implements BeginResult {
    }

    /**
     * The key was in flight but its holder's lease had ended (the holder died): this request holds it
     * now, and must first find out whether the previous holder reached VPS.org. {@code previousHolder}
     * is empty for records written before leases existed.
     */
    record TakenOver(Optional<OperationId> previousHolder) implements BeginResult {
        public TakenOver {
            Objects.requireNonNull(previousHolder, "previous holder (may be empty, not null)");
        }
    }

    /** The same request completed before: answer with its stored response, do nothing else. */
    record Replay(StoredResponse response) implements BeginResult {
        public Replay {
            Objects.requireNonNull(response, "response");
        }
    }

    /** The same request is still being processed elsewhere, its holder's lease still running. */
    record InFlight() implements BeginResult {
    }

    /** The key was used for a different request (method, path or body differ). */
    record FingerprintMismatch() implements BeginResult {
    }
}
