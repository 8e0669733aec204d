package org.vpsrecovery.domain.port;

/**
 * What bounds a list read consistently ({@link SnapshotProvider#listSnapshotsConsistently},
 * {@link BackupProvider#listBackupsConsistently}) in all. Such a list may read the whole list up to four times (ADR
 * 0010, amended in session 38), each read's pages starting within the provider's per-list deadline; how those deadlines
 * are counted depends on who waits for the answer (ADR 0010, amended in session 39).
 */
public final class ConsistentListBound {

    private static final ConsistentListBound EACH_READ = new ConsistentListBound(false, "each read its own deadline");

    private final boolean oneDeadline;
    private final String description;
    private boolean started;
    private long firstReadStarted;

    private ConsistentListBound(boolean oneDeadline, String description) {
        this.oneDeadline = oneDeadline;
        this.description = description;
    }

    /**
     * Each read with a deadline of its own, counted from that read's start (about 7 minutes in all at the defaults): for
     * the platform's jobs, which hold no idempotency key nor call slot and would rather wait than leave an end unfound.
     */
    public static ConsistentListBound eachReadItsOwnDeadline() {
        return EACH_READ;
    }

    /**
     * A bound for one request, to pass to every list it reads consistently: all their reads share one deadline, counted
     * from the first of them, so that they take no longer together than one list read, which is what the request's
     * idempotency lease (ADR 0027) and call slot (ADR 0037) are sized on. Past it a list fails {@code UNAVAILABLE}
     * (try later). Not to be shared between requests: the first read under it starts its clock.
     */
    public static ConsistentListBound oneDeadlineForARequest() {
        return new ConsistentListBound(true, "one deadline for the request's consistent lists");
    }

    /**
     * A bound for one consistent list alone: its reads share one deadline, counted from its first. For a request that
     * reads more than one whole list and holds no idempotency key nor call slot sized on one list's time (the
     * recoverability report): a list of several pages is read at least twice, so two lists under one deadline would
     * need four reads within it, and a large account's report would never be read (ADR 0010, amended in session 39,
     * review). A new one per list.
     */
    public static ConsistentListBound oneDeadlineForOneList() {
        return new ConsistentListBound(true, "one deadline for this consistent list");
    }

    /** Whether every read under this bound counts one deadline, from the first read's start. */
    public boolean sharesOneDeadline() {
        return oneDeadline;
    }

    /**
     * From when the deadline of a read starting at {@code readStarts} (a {@link System#nanoTime()} value) is counted:
     * that read's own start, or, under a request's bound, the start of its first read (this one, if it is the first).
     */
    public synchronized long deadlineCountedFrom(long readStarts) {
        if (!oneDeadline) {
            return readStarts;
        }
        if (!started) {
            started = true;
            firstReadStarted = readStarts;
        }
        return firstReadStarted;
    }

    @Override
    public String toString() {
        return description;
    }
}
