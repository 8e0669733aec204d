package org.vpsrecovery.domain.port;

/**
 * The audit summaries' counts as appends leave them (ADR 0119): each append adds delta rows beside its events, and
 * a fold moves them into the day and month counts. Every read of the counts adds the deltas not folded yet, so a fold
 * changes no answer; it keeps the deltas few.
 */
public interface AuditCountDeltas {

    /**
     * Moves every delta committed so far into the counts, in one transaction; returns the events they counted.
     * Safe beside appends and beside another fold (each delta is moved once).
     */
    long fold();
}
