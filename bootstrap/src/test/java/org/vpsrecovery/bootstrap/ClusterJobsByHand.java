package org.vpsrecovery.bootstrap;

/**
 * A running platform's job scheduler started and stopped by hand, as the server's first answer and a stop signal do:
 * for end-to-end tests in other packages.
 */
public final class ClusterJobsByHand {

    private ClusterJobsByHand() {
    }

    /** As the first answer's start: returns once the scheduler started, or gave up. */
    public static void start(ClusterJobs jobs) {
        jobs.start();
    }

    /** As the drain's stop ({@link DrainOnStopSignal}). */
    public static void stop(ClusterJobs jobs) {
        jobs.stop();
    }

    /** As readiness says it: "started", "stopping", "paused" or "not started". */
    public static String state(ClusterJobs jobs) {
        return jobs.state();
    }
}
