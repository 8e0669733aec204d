package org.vpsrecovery.application.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.PlatformUnavailable;

/**
 * Appends one {@code AUDIT_READ} event per read, through the history's group commit (many readers'
 * events share a transaction, so reads do not queue on the chain head one by one). A team's read is
 * filed under that team, so it sees its own members' reads; an auditor's under {@link #AUDITORS},
 * which no team may be named (auditors read everything, teams only their own).
 */
public final class RecordAuditReadService implements RecordAuditReadUseCase {

    /** The team field of auditors' reads: reserved, refused as a team's name by the configuration. */
    public static final TeamId AUDITORS = new TeamId("auditors");
    public static final String REPORT = "read_report";
    public static final String FILTERS = "read_filters";
    public static final String READ_TEAM = "read_team";

    /** As an intent's (AuditedAttempts): the history's group commit is back within seconds or not soon. */
    static final Duration HISTORY_RETRY_AFTER = Duration.ofSeconds(2);

    private final AuditHistory history;
    private final Clock clock;

    public RecordAuditReadService(AuditHistory history, Clock clock) {
        this.history = Objects.requireNonNull(history, "history");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void recordAuditRead(AuditRead read) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put(REPORT, AuditEvent.detailValue(read.report()));
        if (!read.filters().isEmpty()) {
            detail.put(FILTERS, AuditEvent.detailValue(read.filters()));
        }
        read.reader().onlyTeam().ifPresent(team -> detail.put(READ_TEAM, team.value()));
        read.actor().into(detail);
        TeamId filedUnder = read.reader().onlyTeam().orElse(AUDITORS);
        // Appended now, not deferred: an unrecorded read is not served (the caller sees the failure).
        try {
            history.append(new AuditEvent(clock.instant(), filedUnder, read.requestId(), Operation.AUDIT_READ,
                    Optional.empty(), Optional.empty(), new Outcome.Completed(), OptionalInt.empty(), detail));
        } catch (RecoveryException expected) {
            throw expected;
        } catch (RuntimeException historyDown) {
            // As an intent the history cannot take (AuditedAttempts): the platform's trouble, a 503 the caller retries
            // (a load balancer elsewhere), not a 500 (session 38).
            throw new PlatformUnavailable("the audit history cannot record this read now, so the report is not served; "
                    + "try again shortly", HISTORY_RETRY_AFTER, historyDown);
        }
    }
}
