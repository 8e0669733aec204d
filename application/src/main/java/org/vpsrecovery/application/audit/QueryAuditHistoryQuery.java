package org.vpsrecovery.application.audit;

import java.util.Objects;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.audit.AuditQuery;

public record QueryAuditHistoryQuery(CallContext context, AuditQuery filter) {

    public QueryAuditHistoryQuery {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(filter, "filter");
    }
}
