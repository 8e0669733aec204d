package org.vpsrecovery.simulator;

import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot's or backup's status over time: the one place that decides it. As documented, a new
 * one is {@code in_progress} and later {@code completed}; the simulator completes it
 * {@code completionDelay} after it was asked for, with the server's used disk as its size. Any
 * other status a seed gives (completed, failed, an undocumented word) stays as it is.
 */
record CreationProgress(String status, Long sizeMb, Instant completesAt, long completedSizeMb) {

    static final String IN_PROGRESS = "in_progress";
    static final String COMPLETED = "completed";

    /** A creation asked for at {@code createdAt} on {@code server}, reported then as {@code status}. */
    static CreationProgress of(String status, Long sizeMb, Instant createdAt, Duration completionDelay, Server server) {
        return new CreationProgress(status, sizeMb, createdAt.plus(completionDelay), server.diskUsedMb());
    }

    /** A creation just asked for: in progress, no size yet. */
    static CreationProgress started(Instant now, Duration completionDelay, Server server) {
        return of(IN_PROGRESS, null, now, completionDelay, server);
    }

    String statusAt(Instant now) {
        return completedBy(now) ? COMPLETED : status;
    }

    Long sizeMbAt(Instant now) {
        return completedBy(now) ? Long.valueOf(completedSizeMb) : sizeMb;
    }

    boolean isCompletedAt(Instant now) {
        return COMPLETED.equals(statusAt(now));
    }

    private boolean completedBy(Instant now) {
        return IN_PROGRESS.equals(status) && !now.isBefore(completesAt);
    }
}
