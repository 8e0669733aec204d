package org.vpsrecovery.application.drift;

import java.util.OptionalLong;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.drift.DriftFilter;
import org.vpsrecovery.domain.drift.DriftPage;

/** The drifts the scans recorded, newest first, in keyset pages. */
public interface ListDriftUseCase {

    DriftPage listDrift(AuditReader reader, DriftFilter filter, OptionalLong beforeId, int limit);
}
