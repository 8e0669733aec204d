package org.vpsrecovery.domain.port;

import java.util.Iterator;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;

/**
 * The history's rows read a bounded batch at a time from the store, so an export of any size never sits in memory:
 * events this release knows and those a later release wrote under names it does not know (ADR 0005, amended in session
 * 49). The reader must close it, also when it stops early.
 */
public interface AuditEventStream extends Iterator<AuditHistoryEntry>, AutoCloseable {

    @Override
    void close();
}
