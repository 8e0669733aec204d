package org.vpsrecovery.bootstrap;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.application.approval.ApprovalsService;
import org.vpsrecovery.application.change.PendingChangesService;

/**
 * Two-person approval's job, {@value #SETTLE_APPROVALS}, once across every instance (ADR 0040): expires
 * the operations no one decided in time, and starts the approved ones a busy server or an unavailable
 * VPS.org kept from starting. Both are versioned writes, so a decision racing the job has one outcome.
 */
@Singleton
public class ApprovalJobs {

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalJobs.class);

    static final String SETTLE_APPROVALS = "settle-approvals";

    private final ApprovalsService approvals;
    private final PendingChangesService changes;
    private final Duration every;

    public ApprovalJobs(ApprovalsService approvals, PendingChangesService changes,
                        @Value("${vpsr.approvals.settle-every:5s}") Duration every) {
        this.approvals = approvals;
        this.changes = changes;
        this.every = StartupRefused.unlessPositive("vpsr.approvals.settle-every", every);
    }

    RecurringTask<Void> task() {
        return Tasks.recurring(SETTLE_APPROVALS, FixedDelay.of(every)).execute((instance, context) -> settle());
    }

    /** One round; public for the end-to-end tests, which may drive it instead of waiting for the timer. */
    public int settle() {
        int moved = approvals.settle();
        if (moved > 0) {
            LOG.info("approvals: {} operation(s) expired or started", moved);
        }
        // Hold releases and policy changes waiting for a second person (ADR 0043): the same job, the same rules.
        int changed = changes.settle();
        if (changed > 0) {
            LOG.info("approvals: {} pending change(s) expired or applied", changed);
        }
        return moved + changed;
    }
}
