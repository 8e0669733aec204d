package org.vpsrecovery.domain.idempotency;

import java.util.List;
import java.util.Objects;
import org.vpsrecovery.domain.operation.OperationId;

/** What {@code IdempotencyRecords.begin} found for a key. */
public sealed interface BeginResult {

    /** The key was free (or its record had expired): this request owns it now and must complete or release it. */
    record Started() implements BeginResult {
    }

    /**
     * The key was in flight but its holder's lease had ended (the holder died): this request holds it now, and must
     * first find out whether any request that held it before reached VPS.org. {@code interruptedHolders}: every holder
     * whose lease ended without an answer kept, oldest first, the one just taken over from last. Not only the last:
     * a taker that could not tell, or could not keep its answer, leaves no trace of its own, and the one before it may
     * have reached VPS.org (ADR 0027, amended in session 40). {@code untraceable}: one of them held the key before
     * leases existed (V9), its id unknown.
     */
    record TakenOver(List<OperationId> interruptedHolders, boolean untraceable) implements BeginResult {
        public TakenOver {
            interruptedHolders = List.copyOf(interruptedHolders);
            if (interruptedHolders.isEmpty() && !untraceable) {
                throw new IllegalArgumentException("a key is taken over from at least one holder");
            }
        }

        /** Taken over from one holder that is known. */
        public static TakenOver from(OperationId previousHolder) {
            return new TakenOver(List.of(previousHolder), false);
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
