package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A recurring db-scheduler task whose run may stop at its time budget ({@code vpsr.jobs.run-budget}) and leave, as its
 * task data, where the rest of its round goes on. That rest runs at once rather than after the schedule's interval:
 * the scheduler takes the executions due earlier first, so the jobs that waited for a thread get theirs before it
 * (ADRs 0024, 0028 and 0035, amended in session 46). The drift scan, the policy tick, tracking and reconciliation run on
 * it (ADR 0024, amended in session 47). A round VPS.org ended with a 429 ({@link HeldOff}) is not cut short: the next
 * runs at the schedule's time, and not before VPS.org's {@code Retry-After} (ADR 0037, amended in session 51), waited at
 * most {@code vpsorg.max-hold}, as the client's hold is: a bogus 429 asking for an hour stopped the job cluster-wide for
 * that hour, while a 429 that lasts is simply heard again at the next round (ADR 0010, amended in session 52).
 */
final class BudgetedRecurringTask {

    private static final Logger LOG = LoggerFactory.getLogger(BudgetedRecurringTask.class);

    private BudgetedRecurringTask() {
    }

    /**
     * What a run answers when VPS.org asked the platform to slow down (429): {@code data} is its task data as any, and
     * the next run comes no sooner than {@code notSoonerThan} after this one. Never stored itself.
     */
    record HeldOff(Serializable data, Duration notSoonerThan) implements TaskData {
        HeldOff {
            Objects.requireNonNull(notSoonerThan, "not sooner than");
            if (notSoonerThan.isNegative()) {
                throw new IllegalArgumentException("a wait is not negative, was " + notSoonerThan);
            }
        }
    }

    /**
     * @param run one run from its task data, answering what its task data becomes
     * @param cutShort whether that data is a round its budget cut short
     * @param maxHold {@code vpsorg.max-hold}: the longest a 429's wait puts off the next run
     */
    static RecurringTask<Serializable> of(String name, Schedule schedule, Serializable initial,
            UnaryOperator<Serializable> run, Predicate<Serializable> cutShort, Duration maxHold) {
        Objects.requireNonNull(maxHold, "max hold");
        return new RecurringTask<>(name, schedule, Serializable.class, initial) {
            @Override
            public CompletionHandler<Serializable> execute(TaskInstance<Serializable> instance, ExecutionContext context) {
                // Data of a class this release does not know is read as none: a fresh round (TaskDataSerializer).
                Serializable ran = run.apply(TaskDataSerializer.readFor(name, instance::getData));
                Serializable next = ran instanceof HeldOff held ? held.data() : ran;
                return (complete, operations) -> operations.reschedule(complete, nextRun(ran, next, complete), next);
            }

            private Instant nextRun(Serializable ran, Serializable next, ExecutionComplete complete) {
                if (ran instanceof HeldOff held) {
                    Instant scheduled = schedule.getNextExecutionTime(complete);
                    boolean capped = held.notSoonerThan().compareTo(maxHold) > 0;
                    Instant waited = complete.getTimeDone().plus(capped ? maxHold : held.notSoonerThan());
                    Instant at = waited.isAfter(scheduled) ? waited : scheduled;
                    if (capped) {
                        LOG.warn("{}: VPS.org answered 429 asking to wait {} s, longer than vpsorg.max-hold ({} s); the "
                                + "round ended there and the next starts at {}, not after the whole wait: a 429 that "
                                + "lasts is heard again then (its rate limit is the account's)", name,
                                held.notSoonerThan().toSeconds(), maxHold.toSeconds(), at);
                    } else {
                        LOG.warn("{}: VPS.org answered 429 (its rate limit is the account's); the round ended there and "
                                + "the next starts at {}", name, at);
                    }
                    return at;
                }
                return cutShort.test(next) ? complete.getTimeDone() : schedule.getNextExecutionTime(complete);
            }

            @Override
            public void executeRecurringly(TaskInstance<Serializable> instance, ExecutionContext context) {
                throw new UnsupportedOperationException("run through execute");
            }
        };
    }
}
