package org.vpsrecovery.simulator;

import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot's or backup's status over time: the one place that decides it. As documented, a new
 * one is {@code in_progress}; at {@code endsAt} it becomes what {@code outcome} says: completed
 * (with the server's used disk as its size), failed (no size), or vanished (the account forgets
 * it). Any other status a seed gives (completed, failed, an undocumented word) stays as it is.
 */
record CreationProgress(String status, Long sizeMb, Instant endsAt, CreationOutcome outcome, long completedSizeMb) {

    static final String IN_PROGRESS = "in_progress";
    static final String COMPLETED = "completed";
    static final String FAILED = "failed";

    /** A seeded one, reported at {@code createdAt} as {@code status}; if in progress, it completes after {@code takes}. */
    static CreationProgress seeded(String status, Long sizeMb, Instant createdAt, Duration takes, Server server) {
        return new CreationProgress(status, sizeMb, createdAt.plus(takes), CreationOutcome.COMPLETED, server.diskUsedMb());
    }

    /** A creation just asked for: in progress, no size yet, ending as {@code creation} says. */
    static CreationProgress started(Instant now, LifecycleSchedule.Creation creation, Server server) {
        return new CreationProgress(IN_PROGRESS, null, now.plus(creation.takes()), creation.outcome(), server.diskUsedMb());
    }

    String statusAt(Instant now) {
        if (!endedBy(now)) {
            return status;
        }
        return switch (outcome) {
            case COMPLETED -> COMPLETED;
            case FAILED -> FAILED;
            case VANISHED -> status; // never listed again: the account forgets it
        };
    }

    Long sizeMbAt(Instant now) {
        return endedBy(now) && outcome == CreationOutcome.COMPLETED ? Long.valueOf(completedSizeMb) : sizeMb;
    }

    boolean isCompletedAt(Instant now) {
        return COMPLETED.equals(statusAt(now));
    }

    boolean hasVanishedBy(Instant now) {
        return outcome == CreationOutcome.VANISHED && endedBy(now);
    }

    private boolean endedBy(Instant now) {
        return IN_PROGRESS.equals(status) && !now.isBefore(endsAt);
    }
}
