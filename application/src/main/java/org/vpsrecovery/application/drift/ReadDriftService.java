package org.vpsrecovery.application.drift;

import java.util.Objects;
import java.util.OptionalLong;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.drift.DriftFilter;
import org.vpsrecovery.domain.drift.RecordedDrift;
import org.vpsrecovery.domain.port.DriftRecords;

/** The drift report (ADR 0035): a team reads its own servers' drifts, an auditor every team's. */
public final class ReadDriftService implements ListDriftUseCase {

    private final DriftRecords drifts;

    public ReadDriftService(DriftRecords drifts) {
        this.drifts = Objects.requireNonNull(drifts, "drifts");
    }

    @Override
    public KeysetPage<RecordedDrift, Long> listDrift(AuditReader reader, DriftFilter filter, OptionalLong beforeId, int limit) {
        return drifts.page(filter.forTeam(reader.scope(filter.team())), beforeId, limit);
    }
}
