package org.vpsrecovery.application.drift;

import java.util.OptionalLong;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.drift.DriftFilter;
import org.vpsrecovery.domain.drift.RecordedDrift;

/** The drifts the scans recorded, newest first, in keyset pages. */
public interface ListDriftUseCase {

    KeysetPage<RecordedDrift, Long> listDrift(AuditReader reader, DriftFilter filter, OptionalLong beforeId, int limit);
}
