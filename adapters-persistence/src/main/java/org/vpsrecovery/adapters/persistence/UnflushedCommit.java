package org.vpsrecovery.adapters.persistence;

/**
 * The setting of a transaction whose commit need not wait for the write-ahead log (operation rows, ADR 0083, 0084;
 * audit batches whose flush is waited for after the head's lock, ADR 0102), as SQL for the statement's own
 * transaction: {@code off}, unless the server names synchronous standbys ({@code synchronous_standby_names}). Then the
 * commit keeps the session's setting and waits for them as every other commit does: the local flush the writer waits
 * for afterwards does not reach a standby, and a standby promoted without an intent or its operation row would let a
 * retry of the same key send its call to VPS.org again (ADR 0027, amended in session 46).
 */
public final class UnflushedCommit {

    /**
     * {@code set_config} for the current transaction only, so a pooled connection goes back as it came. In parentheses:
     * a text block's last line loses its trailing space, so it may follow {@code SELECT} or {@code THEN} without one.
     */
    public static final String SETTING = "(set_config('synchronous_commit', CASE WHEN"
            + " current_setting('synchronous_standby_names') = '' THEN 'off'"
            + " ELSE current_setting('synchronous_commit') END, true))";

    private UnflushedCommit() {
    }
}
