package org.vpsrecovery.bootstrap;

import java.io.Serializable;

/**
 * The jobs' own task-data records, as db-scheduler stores them in {@code scheduled_tasks.task_data}: the one list of
 * them. {@link TaskDataSerializer#TASK_DATA} allows exactly these (with the JDK values they hold): a record implementing
 * this without being listed does not compile, and the start-time check reads a populated instance of each back through
 * the allow-list, so a field of a type outside it refuses the start (ADR 0024, amended in session 55). {@code TaskDataSerializerTest} finds every serializable record of
 * the platform's code and fails on one that is not listed here.
 */
sealed interface TaskData extends Serializable permits DriftScanJobs.RoundUnderWay, PolicyRunJobs.WindowUnderWay,
        ClusterJobs.OperationsUnderWay, ClusterJobs.IntentsUnderWay, BudgetedRecurringTask.HeldOff {
}
