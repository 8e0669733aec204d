package org.vpsrecovery.domain.backup;

import org.vpsrecovery.domain.common.PositiveId;

public record BackupId(long value) {

    public BackupId {
        PositiveId.require(value, "backup id");
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
