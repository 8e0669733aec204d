package org.vpsrecovery.domain.testing;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vpsrecovery.domain.idempotency.BeginResult;
import org.vpsrecovery.domain.idempotency.IdempotencyKey;
import org.vpsrecovery.domain.idempotency.IdempotencyScope;
import org.vpsrecovery.domain.idempotency.IdempotencyState;
import org.vpsrecovery.domain.idempotency.Lease;
import org.vpsrecovery.domain.idempotency.RequestFingerprint;
import org.vpsrecovery.domain.idempotency.StoredResponse;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.IdempotencyRecords;

/** Idempotency records in memory, with the same rules as the database table: the fake for application tests. */
public final class InMemoryIdempotencyRecords implements IdempotencyRecords {

    private record Scoped(IdempotencyScope owner, IdempotencyKey key) {
    }

    /** {@code interrupted}: the holders taken over from, oldest first (ADR 0027, amended in session 40). */
    private record Entry(RequestFingerprint fingerprint, IdempotencyState state, StoredResponse response,
                         Lease lease, List<OperationId> interrupted, Instant createdAt, Instant expiresAt) {
    }

    private final Map<Scoped, Entry> records = new HashMap<>();
    private final Clock clock;

    public InMemoryIdempotencyRecords(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized BeginResult begin(IdempotencyKey key, IdempotencyScope owner, RequestFingerprint fingerprint, Lease lease,
                                          Instant expiresAt) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(expiresAt, "expires at");
        Instant now = clock.instant();
        IdempotencyRecords.requireTimes(lease, expiresAt, now);
        Scoped scope = new Scoped(owner, key);
        Entry existing = records.get(scope);
        if (existing == null || !existing.expiresAt().isAfter(now)) {
            records.put(scope, new Entry(fingerprint, IdempotencyState.IN_FLIGHT, null, lease, List.of(), now, expiresAt));
            return new BeginResult.Started();
        }
        if (!existing.fingerprint().equals(fingerprint)) {
            return new BeginResult.FingerprintMismatch();
        }
        if (existing.state() == IdempotencyState.COMPLETED) {
            return new BeginResult.Replay(existing.response());
        }
        if (existing.lease().until().isAfter(now)) {
            return new BeginResult.InFlight();
        }
        List<OperationId> interrupted = new ArrayList<>(existing.interrupted());
        interrupted.add(existing.lease().holder());
        Instant keptUntil = existing.expiresAt().isAfter(expiresAt) ? existing.expiresAt() : expiresAt;
        records.put(scope, new Entry(fingerprint, IdempotencyState.IN_FLIGHT, null, lease, List.copyOf(interrupted),
                existing.createdAt(), keptUntil));
        return new BeginResult.TakenOver(interrupted, false);
    }

    @Override
    public synchronized boolean complete(IdempotencyKey key, IdempotencyScope owner, OperationId holder, StoredResponse response) {
        Objects.requireNonNull(response, "response");
        Scoped scope = new Scoped(owner, key);
        Entry existing = records.get(scope);
        if (!heldBy(existing, holder) || !existing.expiresAt().isAfter(clock.instant())) {
            return false;
        }
        records.put(scope, new Entry(existing.fingerprint(), IdempotencyState.COMPLETED, response, existing.lease(),
                existing.interrupted(), existing.createdAt(), existing.expiresAt()));
        return true;
    }

    @Override
    public synchronized void release(IdempotencyKey key, IdempotencyScope owner, OperationId holder) {
        Scoped scope = new Scoped(owner, key);
        if (heldBy(records.get(scope), holder)) {
            records.remove(scope);
        }
    }

    @Override
    public synchronized void endLease(IdempotencyKey key, IdempotencyScope owner, OperationId holder) {
        Scoped scope = new Scoped(owner, key);
        Entry existing = records.get(scope);
        if (heldBy(existing, holder)) {
            // A taker that gives the key back did nothing: its takeover is undone, so the retry's takeover does not
            // trace it too (each retry while the database is away would add one). A first holder only ends its lease.
            List<OperationId> interrupted = existing.interrupted();
            OperationId backTo = interrupted.isEmpty() ? holder : interrupted.getLast();
            List<OperationId> before = interrupted.isEmpty() ? interrupted : interrupted.subList(0, interrupted.size() - 1);
            records.put(scope, new Entry(existing.fingerprint(), existing.state(), null, new Lease(backTo, clock.instant()),
                    List.copyOf(before), existing.createdAt(), existing.expiresAt()));
        }
    }

    private static boolean heldBy(Entry entry, OperationId holder) {
        return entry != null && entry.state() == IdempotencyState.IN_FLIGHT && entry.lease().holder().equals(holder);
    }

    @Override
    public synchronized int purgeExpired() {
        Instant now = clock.instant();
        int before = records.size();
        records.values().removeIf(entry -> !entry.expiresAt().isAfter(now));
        return before - records.size();
    }
}
