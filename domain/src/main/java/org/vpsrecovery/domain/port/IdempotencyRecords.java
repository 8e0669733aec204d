package org.vpsrecovery.domain.port;

import java.time.Instant;
import org.vpsrecovery.domain.idempotency.BeginResult;
import org.vpsrecovery.domain.idempotency.IdempotencyKey;
import org.vpsrecovery.domain.idempotency.IdempotencyScope;
import org.vpsrecovery.domain.idempotency.Lease;
import org.vpsrecovery.domain.idempotency.RequestFingerprint;
import org.vpsrecovery.domain.idempotency.StoredResponse;
import org.vpsrecovery.domain.operation.OperationId;

/**
 * Idempotency-Key records, scoped per team or auditor ({@link IdempotencyScope}): the same key from two scopes is
 * two records. A record
 * whose expiry has passed counts as absent, whether or not it has been purged yet. An in-flight
 * record carries its holder's {@link Lease}; only the holder may complete or release it, and once the
 * lease has ended another request may take it over. Implementations read "now" from their clock.
 */
public interface IdempotencyRecords {

    /**
     * Atomically claims the key for this request, or says why not. Exactly one of any number of
     * concurrent callers with a free key gets {@link BeginResult.Started}, and exactly one of any
     * number of callers finding an in-flight key whose lease has ended gets {@link BeginResult.TakenOver};
     * a live lease gives {@link BeginResult.InFlight}. A different fingerprint gives
     * {@link BeginResult.FingerprintMismatch} whatever the record's state. A record keeps every holder taken over from
     * until it is completed, released or expires, and a takeover names them all. A takeover keeps the record until
     * {@code expiresAt} at least, as a key begun now would be: never expired under its taker's lease, nor its taker's
     * answer kept for only what was left of the first request's day.
     */
    BeginResult begin(IdempotencyKey key, IdempotencyScope scope, RequestFingerprint fingerprint, Lease lease, Instant expiresAt);

    /**
     * Stores the response of a key in flight under {@code holder} for replay. False when it is not
     * (released, expired, already completed, or taken over); the stored response, if any, is left as it was.
     */
    boolean complete(IdempotencyKey key, IdempotencyScope scope, OperationId holder, StoredResponse response);

    /** Forgets a key in flight under {@code holder} after a failure, so that a retry can start again. Completed records stay. */
    void release(IdempotencyKey key, IdempotencyScope scope, OperationId holder);

    /**
     * Gives back a key in flight under {@code holder} that it cannot settle now (a taker that cannot tell whether an
     * earlier holder reached VPS.org): the record returns to what it was before {@code holder}'s takeover (the holder
     * taken over from holds it again, the holders before it kept, {@code holder} in none of them), its lease ended at
     * once, so the next request with the key takes it over and traces the same holders again; a taker that did nothing
     * is never traced, however often it gives the key back. A first holder only ends its lease. Unlike
     * {@link #release}, never frees the key.
     */
    void endLease(IdempotencyKey key, IdempotencyScope scope, OperationId holder);

    /** Deletes every record whose expiry has passed; returns how many. */
    int purgeExpired();

    /** The checks every implementation makes on {@code begin}'s times. */
    static void requireTimes(Lease lease, Instant expiresAt, Instant now) {
        if (!expiresAt.isAfter(now)) {
            throw new IllegalArgumentException("a record must expire after it is created");
        }
        if (!lease.until().isAfter(now) || lease.until().isAfter(expiresAt)) {
            throw new IllegalArgumentException("a lease ends after now and no later than the record expires");
        }
    }
}
