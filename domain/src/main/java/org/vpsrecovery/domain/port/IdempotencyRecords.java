package org.vpsrecovery.domain.port;

import java.time.Instant;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.idempotency.BeginResult;
import org.vpsrecovery.domain.idempotency.IdempotencyKey;
import org.vpsrecovery.domain.idempotency.RequestFingerprint;
import org.vpsrecovery.domain.idempotency.StoredResponse;

/**
 * Idempotency-Key records, scoped per team: the same key from two teams is two records. A record
 * whose expiry has passed counts as absent, whether or not it has been purged yet. Implementations
 * read "now" from their clock.
 */
public interface IdempotencyRecords {

    /**
     * Atomically claims the key for this request, or says why not. Exactly one of any number of
     * concurrent callers with a free key gets {@link BeginResult.Started}. A different fingerprint
     * gives {@link BeginResult.FingerprintMismatch} whatever the record's state.
     */
    BeginResult begin(IdempotencyKey key, TeamId team, RequestFingerprint fingerprint, Instant expiresAt);

    /**
     * Stores the response of an in-flight key for replay. False when the key is not in flight
     * (released, expired, or already completed); the stored response, if any, is left as it was.
     */
    boolean complete(IdempotencyKey key, TeamId team, StoredResponse response);

    /** Forgets an in-flight key after a failure, so that a retry can start again. Completed records stay. */
    void release(IdempotencyKey key, TeamId team);

    /** Deletes every record whose expiry has passed; returns how many. */
    int purgeExpired();
}
