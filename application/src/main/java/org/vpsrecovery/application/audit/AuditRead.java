package org.vpsrecovery.application.audit;

import java.util.Objects;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.common.RequestId;

/**
 * One read of the audit reports: by whom ({@code reader} for the scope, {@code actor} for the
 * person or token), which report ({@code events}, {@code export}, {@code verify}, {@code summary},
 * {@code recoverability}, {@code drift}) and the filters as the caller gave them (a query string, cut to fit).
 */
public record AuditRead(AuditReader reader, Actor actor, RequestId requestId, String report, String filters) {

    public AuditRead {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(filters, "filters (may be empty, not null)");
    }
}
