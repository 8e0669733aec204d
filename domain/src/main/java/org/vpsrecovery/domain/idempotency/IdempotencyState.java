package org.vpsrecovery.domain.idempotency;

/** A key is in flight from {@code begin} until {@code complete} (or {@code release}, which forgets it). */
public enum IdempotencyState {
    IN_FLIGHT,
    COMPLETED
}
