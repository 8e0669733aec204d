package org.vpsrecovery.application.audit;

import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.SummaryQuery;

/** Counts per team x operation x outcome by day or month, top rejection reasons, provider failure rate. */
public interface SummarizeAuditUseCase {

    AuditSummary summarizeAudit(AuditReader reader, SummaryQuery query);

    /** The same summary, its audit-read slot kept until the result is closed: for an answer written as a stream. */
    AuditReadSlots.Held<AuditSummary> openAuditSummary(AuditReader reader, SummaryQuery query);
}
