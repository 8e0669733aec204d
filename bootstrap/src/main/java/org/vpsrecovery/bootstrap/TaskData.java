package org.vpsrecovery.bootstrap;

import java.io.Serializable;

/**
 * The jobs' own task-data records, as db-scheduler stores them in {@code scheduled_tasks.task_data}: the one list of
 * them. {@link TaskDataSerializer#TASK_DATA} allows exactly these (with the JDK values they hold): a record implementing
 * this without being listed does not compile. {@code TaskDataSerializerTest} reads a populated instance of each back
 * through the serializer, so a field of a type outside the allow-list fails the build, and finds every serializable
 * record of the platform's code, failing on one not listed here (ADR 0024, amended in sessions 55 and 56).
 */
sealed interface TaskData extends Serializable permits DriftScanJobs.RoundUnderWay, PolicyRunJobs.WindowUnderWay,
        ClusterJobs.OperationsUnderWay, ClusterJobs.IntentsUnderWay, BudgetedRecurringTask.HeldOff {
}
