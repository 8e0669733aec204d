package org.vpsrecovery.application.audit;

import java.time.Duration;
import org.vpsrecovery.domain.report.RecoverabilityReport;

/**
 * Per server the reader may see: the newest completed snapshot and backup and their age, the
 * automatic backups expiring within {@code expiringWithin}, and the audited recovery activity.
 */
public interface ReportRecoverabilityUseCase {

    Duration MAX_EXPIRING_WITHIN = Duration.ofDays(365);

    RecoverabilityReport reportRecoverability(AuditReader reader, Duration expiringWithin);
}
