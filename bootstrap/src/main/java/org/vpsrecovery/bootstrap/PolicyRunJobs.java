package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.policy.RunPoliciesService;

/**
 * The policies' scheduled runs as one db-scheduler recurring task, {@value #POLICY_RUNS}, run once across
 * every instance (ADR 0028). Its task data in db-scheduler's table is the end of the last window it
 * covered (epoch milliseconds), so a restart, another instance or a run after downtime starts where the
 * last one ended: a pair whose cron times were all missed runs once. Policies are read anew each tick, so
 * a change or a deletion takes effect for the next run without rescheduling anything.
 */
@Singleton
public class PolicyRunJobs {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyRunJobs.class);

    static final String POLICY_RUNS = "policy-runs";

    private final RunPoliciesService runs;
    private final Clock clock;
    private final Duration every;

    public PolicyRunJobs(RunPoliciesService runs, Clock clock, @Value("${vpsr.policies.tick-every:30s}") Duration every) {
        this.runs = runs;
        this.clock = clock;
        this.every = every;
    }

    RecurringTask<Long> task() {
        // No window yet: the first tick looks back one interval, not to the beginning of time.
        return Tasks.recurring(POLICY_RUNS, FixedDelay.of(every), Long.class)
                .initialData(-1L)
                .executeStateful((instance, context) -> {
                    Instant to = clock.instant();
                    Long last = instance.getData();
                    Instant from = last == null || last < 0 ? to.minus(every) : Instant.ofEpochMilli(last);
                    tick(from, to);
                    return to.toEpochMilli();
                });
    }

    /** One window; public for the end-to-end tests, which drive it with their own times. */
    public List<RunPoliciesService.Run> tick(Instant from, Instant to) {
        List<RunPoliciesService.Run> done = runs.tick(from, to);
        if (!done.isEmpty()) {
            LOG.info("policy runs in ({}, {}]: {}", from, to, done);
        }
        return done;
    }
}
