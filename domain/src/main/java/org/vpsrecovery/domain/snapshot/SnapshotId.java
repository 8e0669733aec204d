package org.vpsrecovery.domain.snapshot;

import org.vpsrecovery.domain.common.PositiveId;

public record SnapshotId(long value) {

    public SnapshotId {
        PositiveId.require(value, "snapshot id");
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
