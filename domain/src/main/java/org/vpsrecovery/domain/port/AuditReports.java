package org.vpsrecovery.domain.port;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.report.AuditEventPage;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.RecoveryActivity;
import org.vpsrecovery.domain.report.SummaryQuery;
import org.vpsrecovery.domain.server.ServerId;

/**
 * Read-only reports over the audit history. Nothing here writes. A page or a stream that meets a stored event that no
 * longer reads as one (changed outside the platform) throws {@link AuditEventAltered} naming its sequence, never an
 * untyped failure and never a report that leaves it out (ADR 0005, amended in session 40).
 */
public interface AuditReports {

    int MAX_PAGE = 500;

    /** Events matching the filter older than {@code beforeSequence} (if given), newest first, {@code limit} 1-{@value #MAX_PAGE}. */
    AuditEventPage page(AuditEventFilter filter, OptionalLong beforeSequence, int limit);

    /**
     * Every event matching the filter, newest first, read lazily: {@link AuditEventStream#hasNext} throws {@link
     * AuditEventAltered} where it reaches such a row, once every event before it was handed out, and from then on.
     */
    AuditEventStream stream(AuditEventFilter filter);

    AuditSummary summarize(SummaryQuery query);

    /**
     * The audited recovery activity of each given server (an entry for every one, empty when none): with {@code byTeam},
     * only that team's events count, since a server the teams file moved keeps its former owner's events (filed under
     * that team); empty, every team's.
     */
    Map<ServerId, RecoveryActivity> recoveryActivity(Set<ServerId> servers, Optional<TeamId> byTeam);

    static void requirePageLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_PAGE);
        }
    }
}
