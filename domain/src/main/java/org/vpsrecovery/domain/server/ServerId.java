package org.vpsrecovery.domain.server;

import org.vpsrecovery.domain.common.PositiveId;

public record ServerId(long value) {

    public ServerId {
        PositiveId.require(value, "server id");
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
