package org.vpsrecovery.domain.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.policy.PolicySchedule;

/**
 * Reads cron schedules: whether one parses, and when it next fires. Implemented with the job
 * scheduler's own cron support, so the plan shows the times the runs will take (ADR 0028).
 */
public interface RunCalendar {

    /** Why the schedule cannot be read, or empty when it can. */
    Optional<String> refusal(PolicySchedule schedule);

    /** The next {@code count} times after {@code after} (fewer if it fires less often, none if never). */
    List<Instant> nextRuns(PolicySchedule schedule, Instant after, int count);
}
