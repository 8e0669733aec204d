package org.vpsrecovery.application.audit;

import java.util.List;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.port.AuditHistory;

public final class QueryAuditHistoryService implements QueryAuditHistoryUseCase {

    private final AuditHistory history;

    public QueryAuditHistoryService(AuditHistory history) {
        this.history = history;
    }

    @Override
    public List<RecordedAuditEvent> queryAuditHistory(QueryAuditHistoryQuery query) {
        // The team filter is the caller's own team, never one it names.
        return history.query(query.filter().forTeam(query.context().team()));
    }
}
