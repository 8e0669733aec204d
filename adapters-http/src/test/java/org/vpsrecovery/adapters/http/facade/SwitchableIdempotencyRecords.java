package org.vpsrecovery.adapters.http.facade;

import java.time.Instant;
import org.vpsrecovery.domain.idempotency.BeginResult;
import org.vpsrecovery.domain.idempotency.IdempotencyKey;
import org.vpsrecovery.domain.idempotency.IdempotencyScope;
import org.vpsrecovery.domain.idempotency.Lease;
import org.vpsrecovery.domain.idempotency.RequestFingerprint;
import org.vpsrecovery.domain.idempotency.StoredResponse;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.IdempotencyRecords;

/** The in-memory records, whose begin or complete can be made to fail as a busy or absent database would. */
final class SwitchableIdempotencyRecords implements IdempotencyRecords {

    private final IdempotencyRecords records;
    volatile RuntimeException beginFails;
    volatile RuntimeException completeFails;

    SwitchableIdempotencyRecords(IdempotencyRecords records) {
        this.records = records;
    }

    @Override
    public BeginResult begin(IdempotencyKey key, IdempotencyScope scope, RequestFingerprint fingerprint, Lease lease,
                             Instant expiresAt) {
        if (beginFails != null) {
            throw beginFails;
        }
        return records.begin(key, scope, fingerprint, lease, expiresAt);
    }

    @Override
    public boolean complete(IdempotencyKey key, IdempotencyScope scope, OperationId holder, StoredResponse response) {
        if (completeFails != null) {
            throw completeFails;
        }
        return records.complete(key, scope, holder, response);
    }

    @Override
    public void release(IdempotencyKey key, IdempotencyScope scope, OperationId holder) {
        records.release(key, scope, holder);
    }

    @Override
    public void endLease(IdempotencyKey key, IdempotencyScope scope, OperationId holder) {
        records.endLease(key, scope, holder);
    }

    @Override
    public int purgeExpired() {
        return records.purgeExpired();
    }
}
