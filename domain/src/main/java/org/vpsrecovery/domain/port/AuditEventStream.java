package org.vpsrecovery.domain.port;

import java.util.Iterator;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;

/**
 * Events read a bounded batch at a time from the store, so an export of any size never
 * sits in memory. The reader must close it, also when it stops early.
 */
public interface AuditEventStream extends Iterator<RecordedAuditEvent>, AutoCloseable {

    @Override
    void close();
}
