package org.vpsrecovery.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A server of an account. Its status is the seeded one until a restore starts here: then
 * {@code restoring} for the restore delay (the provider stops it and overwrites its data), then
 * {@code running}. Mutable only through {@link #beginRestore}; callers hold the state's lock.
 */
final class Server {

    static final String RESTORING = "restoring";
    static final String RUNNING = "running";

    private final long id;
    private final String name;
    private final long diskUsedMb;
    private final String seededStatus;
    private Instant restoringUntil;

    Server(long id, String name, String seededStatus, long diskUsedMb) {
        this.id = id;
        this.name = Objects.requireNonNull(name, "name");
        this.seededStatus = Objects.requireNonNull(seededStatus, "status");
        this.diskUsedMb = diskUsedMb;
    }

    long id() {
        return id;
    }

    String name() {
        return name;
    }

    /** What a snapshot or backup of it weighs once completed. */
    long diskUsedMb() {
        return diskUsedMb;
    }

    String statusAt(Instant now) {
        if (restoringUntil == null) {
            return seededStatus;
        }
        return now.isBefore(restoringUntil) ? RESTORING : RUNNING;
    }

    boolean isRestoringAt(Instant now) {
        return RESTORING.equals(statusAt(now));
    }

    void beginRestore(Instant now, Duration restoreDelay) {
        restoringUntil = now.plus(restoreDelay);
    }
}
