package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.task.Task;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.vpsrecovery.application.policy.RunPoliciesService;

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

    /** The names of the tasks the scheduler runs. */
    public static List<String> taskNames(ClusterJobs jobs) {
        return jobs.tasks().stream().map(Task::getName).toList();
    }

    /**
     * What of the data each task declares does not read back through the service's serializer, by task (none: all of
     * it does). The data is populated as {@link PopulatedTaskData} makes it; a class it cannot populate is named too.
     * A JDK class outside the serializer's allow-list, declared by a new task, would otherwise be read as none at every
     * run (ADR 0024, own-merge review of session 56).
     */
    public static List<String> declaredTaskDataNotReadBack(ClusterJobs jobs) {
        List<String> failures = new ArrayList<>();
        for (Task<?> task : jobs.tasks()) {
            try {
                for (Object data : PopulatedTaskData.writtenBy(task.getDataClass())) {
                    PopulatedTaskData.readBack(data).ifPresent(failure -> failures.add(task.getName() + " ("
                            + task.getDataClass().getName() + "): " + failure));
                }
            } catch (IllegalStateException cannotPopulate) {
                failures.add(task.getName() + " (" + task.getDataClass().getName() + "): "
                        + cannotPopulate.getMessage());
            }
        }
        return failures;
    }

    /** Whether a stop waits for the start under way (the start's lock). */
    public static boolean aStopWaitsForTheStart(ClusterJobs jobs) {
        return jobs.aStopWaitsForTheStart();
    }

    /** As readiness says it: "started", "stopping", "paused" or "not started". */
    public static String state(ClusterJobs jobs) {
        return jobs.state();
    }

    /**
     * Two webhook deliveries dead, put off past their retries, one after the other: the first one's line is said, the
     * second's count held back, for the next line or the stop.
     */
    public static void holdBackAWebhookDeathLine(WebhookJobs webhooks) {
        webhooks.retries().putOffTooLong(UUID.randomUUID().toString());
        webhooks.retries().putOffTooLong(UUID.randomUUID().toString());
    }

    /**
     * The policy runs' jobs, running no policy, whose held-back lines fail to be said with {@code failure}: a stop of
     * the jobs that throws, as a class missing from a jar replaced under a running instance would.
     */
    public static PolicyRunJobs policyRunsWhoseStopLinesFail(DataSource dataSource, RuntimeException failure) {
        return new PolicyRunJobs((from, to, after, budget) -> new RunPoliciesService.Ticked(List.of(), Optional.empty()),
                of -> Optional.empty(), PolicyRunJobs.PutOffRuns.NONE, Clock.systemUTC(), dataSource,
                PolicyRunJobs.Settings.DEFAULTS) {
            @Override
            void sayHeldLinesAtStop() {
                throw failure;
            }
        };
    }
}
