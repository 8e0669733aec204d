package org.vpsrecovery.application.audit;

import java.util.List;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;

/** A team reads its own audit events, newest first, whatever team filter it asks for. */
public interface QueryAuditHistoryUseCase {

    List<RecordedAuditEvent> queryAuditHistory(QueryAuditHistoryQuery query);
}
