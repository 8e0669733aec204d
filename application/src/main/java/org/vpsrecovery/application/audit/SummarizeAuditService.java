package org.vpsrecovery.application.audit;

import java.util.Objects;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.SummaryQuery;

public final class SummarizeAuditService implements SummarizeAuditUseCase {

    private final AuditReports reports;

    public SummarizeAuditService(AuditReports reports) {
        this.reports = Objects.requireNonNull(reports, "reports");
    }

    @Override
    public AuditSummary summarizeAudit(AuditReader reader, SummaryQuery query) {
        return reports.summarize(reader.scope(query.team()).map(query::forTeam).orElse(query));
    }
}
