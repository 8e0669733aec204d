package org.vpsrecovery.application.audit;

/**
 * Records that someone read the audit history (issue 15 item 4, ADR 0034): who listed, exported,
 * verified or summarised what, with the filters used, as an {@code AUDIT_READ} event an auditor
 * can read. Called before the report is served: a read the history cannot record is not served.
 */
public interface RecordAuditReadUseCase {

    void recordAuditRead(AuditRead read);
}
