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
    /** Established at VPS.org: the recovery point is completed, the deleted one is gone, the restore window ended. */
    COMPLETED,
    /** It did not happen, or VPS.org reports it failed. */
    FAILED,
    /** The recovery point being made disappeared from VPS.org's list before completing. */
    VANISHED,
    /** The tracking deadline passed before VPS.org showed an end. */
    TIMED_OUT,
    /** A restore whose hold the owning team released before its window ended (ADR 0026). */
    RELEASED;

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == VANISHED || this == TIMED_OUT || this == RELEASED;
    }

    /** Wire form for the operations API and the database: lower case. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
