package org.vpsrecovery.domain.drift;

import java.util.Objects;

/** A drift as stored: its id orders the report (newest first, keyset paging). */
public record RecordedDrift(long id, Drift drift) {

    public RecordedDrift {
        Objects.requireNonNull(drift, "drift");
        if (id <= 0) {
            throw new IllegalArgumentException("a stored drift's id is positive");
        }
    }
}
