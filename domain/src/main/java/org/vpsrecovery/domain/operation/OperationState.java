package org.vpsrecovery.domain.operation;

/**
 * Where an accepted attempt stands. {@link #ACCEPTED}: the intent is on record and VPS.org is being
 * called. {@link #IN_PROGRESS}: VPS.org took it and the platform follows it to its end.
 * {@link #UNRESOLVED}: VPS.org's answer was lost; the platform looks to see whether it acted. The
 * rest are final.
 */
public enum OperationState {
    ACCEPTED, IN_PROGRESS, UNRESOLVED,
    /**
     * A restore stored before VPS.org is asked, waiting for its safety snapshot to complete (ADR 0029).
     * It holds its server like any restore not final.
     */
    AWAITING_SAFETY_SNAPSHOT,
    /** A restore or delete stored until a second person of the team approves or denies it (ADR 0040). */
    PENDING_APPROVAL,
    /** Approved: about to run (its policies again, then VPS.org); never for long. */
    APPROVED,
    /**
     * Established at VPS.org: the recovery point is completed, the deleted one is gone. A restore is never so (its window's
     * end is {@link #TIMED_OUT}; rows written before session 49 ended it here).
     */
    COMPLETED,
    /** It did not happen, or VPS.org reports it failed. */
    FAILED,
    /** The recovery point being made disappeared from VPS.org's list before completing. */
    VANISHED,
    /** The tracking deadline passed before VPS.org showed an end: for a restore, its window ended (ADR 0024). */
    TIMED_OUT,
    /** A restore whose hold the owning team released before its window ended (ADR 0026). */
    RELEASED,
    /** A second person denied it: VPS.org was never asked (ADR 0040). */
    DENIED,
    /** No one decided within the time limit: VPS.org was never asked (ADR 0040). */
    EXPIRED,
    /** Approved, but refused when it came to run (a policy, a limit reached meanwhile): VPS.org was never asked. */
    REJECTED;

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == VANISHED || this == TIMED_OUT || this == RELEASED
                || this == DENIED || this == EXPIRED || this == REJECTED;
    }

    /** Wire form for the operations API and the database: lower case. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
