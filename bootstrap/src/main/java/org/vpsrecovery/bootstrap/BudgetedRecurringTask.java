package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import java.io.Serializable;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A recurring db-scheduler task whose run may stop at its time budget ({@code vpsr.jobs.run-budget}) and leave, as its
 * task data, where the rest of its round goes on. That rest runs at once rather than after the schedule's interval:
 * the scheduler takes the executions due earlier first, so the jobs that waited for a thread get theirs before it
 * (ADRs 0024, 0028 and 0035, amended in session 46). The drift scan, the policy tick, tracking and reconciliation run on
 * it (ADR 0024, amended in session 47).
 */
final class BudgetedRecurringTask {

    private BudgetedRecurringTask() {
    }

    /**
     * @param run one run from its task data, answering what its task data becomes
     * @param cutShort whether that data is a round its budget cut short
     */
    static RecurringTask<Serializable> of(String name, Schedule schedule, Serializable initial,
            UnaryOperator<Serializable> run, Predicate<Serializable> cutShort) {
        return new RecurringTask<>(name, schedule, Serializable.class, initial) {
            @Override
            public CompletionHandler<Serializable> execute(TaskInstance<Serializable> instance, ExecutionContext context) {
                // Data of a class this release does not know is read as none: a fresh round (TaskDataSerializer).
                Serializable next = run.apply(TaskDataSerializer.readFor(name, instance::getData));
                return (complete, operations) -> operations.reschedule(complete,
                        cutShort.test(next) ? complete.getTimeDone() : schedule.getNextExecutionTime(complete), next);
            }

            @Override
            public void executeRecurringly(TaskInstance<Serializable> instance, ExecutionContext context) {
                throw new UnsupportedOperationException("run through execute");
            }
        };
    }
}
