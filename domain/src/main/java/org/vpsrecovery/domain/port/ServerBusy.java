package org.vpsrecovery.domain.port;

import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;

/** Another request holds the server's lock longer than this one is allowed to wait. */
public final class ServerBusy extends RecoveryException {

    public ServerBusy(String message) {
        super(ReasonCode.SERVER_BUSY, message);
    }
}
