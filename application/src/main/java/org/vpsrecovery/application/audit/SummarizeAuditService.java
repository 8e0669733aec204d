package org.vpsrecovery.application.audit;

import java.util.Objects;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.SummaryQuery;

public final class SummarizeAuditService implements SummarizeAuditUseCase {

    private final AuditReports reports;
    private final AuditReadSlots slots;

    public SummarizeAuditService(AuditReports reports, AuditReadSlots slots) {
        this.reports = Objects.requireNonNull(reports, "reports");
        this.slots = Objects.requireNonNull(slots, "slots");
    }

    @Override
    public AuditSummary summarizeAudit(AuditReader reader, SummaryQuery query) {
        SummaryQuery scoped = reader.scope(query.team()).map(query::forTeam).orElse(query);
        return slots.read(reader, () -> reports.summarize(scoped));
    }

    @Override
    public AuditReadSlots.Held<AuditSummary> openAuditSummary(AuditReader reader, SummaryQuery query) {
        SummaryQuery scoped = reader.scope(query.team()).map(query::forTeam).orElse(query);
        return slots.hold(reader, () -> reports.summarize(scoped));
    }
}
