package org.vpsrecovery.adapters.http.facade;

import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.testing.ForwardingAuditHistory;

/** The history the audit reads are recorded in, whose appends a test can make fail as a database away would. */
public final class SwitchableAuditHistory extends ForwardingAuditHistory {

    /** When set, every append throws it. */
    public volatile RuntimeException appendFails;

    public SwitchableAuditHistory(AuditHistory history) {
        super(history);
    }

    @Override
    public RecordedAuditEvent append(AuditEvent event) {
        RuntimeException failure = appendFails;
        if (failure != null) {
            throw failure;
        }
        return super.append(event);
    }
}
