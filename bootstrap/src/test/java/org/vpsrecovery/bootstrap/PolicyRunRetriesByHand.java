package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import javax.sql.DataSource;
import org.vpsrecovery.adapters.persistence.PostgresAdapterFactory;

/**
 * db-scheduler run by hand over a running platform's {@value PolicyRunJobs#POLICY_RUN_RETRY} task, on a clock the test
 * sets: for end-to-end tests in other packages, which move the platform's clock by minutes without waiting for them.
 */
public final class PolicyRunRetriesByHand {

    private PolicyRunRetriesByHand() {
    }

    /**
     * A started manual scheduler of the retry task alone, on {@code clock}, over the pool under the platform's injected
     * DataSource (which hands out connections within a transaction only), as the platform's own scheduler; the test
     * stops it.
     */
    public static ManualScheduler over(PolicyRunJobs jobs, DataSource injected, SettableClock clock) {
        return TestHelper.createManualScheduler(PostgresAdapterFactory.pooled(injected), jobs.retryTask()).clock(clock)
                .start();
    }
}
