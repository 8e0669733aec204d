package org.vpsrecovery.domain.port;

import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;

/**
 * The platform's own store failed while committing the change (a connection lost at COMMIT): the change may have
 * been done. Not a {@link PlatformUnavailable}, whose meaning is "nothing was done, try again": a retry as told could
 * make a second of it. The caller looks (lists, reads) before trying again; no Retry-After (ADR 0023, amended in
 * session 44).
 */
public final class PlatformOutcomeUnknown extends RecoveryException {

    public PlatformOutcomeUnknown(String message, Throwable cause) {
        super(ReasonCode.PLATFORM_OUTCOME_UNKNOWN, message, cause);
    }
}
