package org.vpsrecovery.domain.idempotency;

import java.util.Objects;

/** What {@code IdempotencyRecords.begin} found for a key. */
public sealed interface BeginResult {

    /** The key was free (or its record had expired): this request owns it now and must complete or release it. */
    record Started() implements BeginResult {
    }

    /** The same request completed before: answer with its stored response, do nothing else. */
    record Replay(StoredResponse response) implements BeginResult {
        public Replay {
            Objects.requireNonNull(response, "response");
        }
    }

    /** The same request is still being processed elsewhere. */
    record InFlight() implements BeginResult {
    }

    /** The key was used for a different request (method, path or body differ). */
    record FingerprintMismatch() implements BeginResult {
    }
}
