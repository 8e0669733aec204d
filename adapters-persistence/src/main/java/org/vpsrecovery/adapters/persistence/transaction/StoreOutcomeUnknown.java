package org.vpsrecovery.adapters.persistence.transaction;

/**
 * A write whose commit failed: stored or not is unknown. Of no domain type on purpose: the audited callers record
 * such a failure UNRESOLVED, for reconciliation to settle, never a final FAILED (ADR 0023, amended in session 38).
 */
public final class StoreOutcomeUnknown extends RuntimeException {

    public StoreOutcomeUnknown(String message, Throwable cause) {
        super(message, cause);
    }
}
