package org.vpsrecovery.domain.testing;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.port.KeptAuditEvents;

/** Kept events in this JVM's memory: the fake for application tests (a process's end loses them). */
public final class InMemoryKeptAuditEvents implements KeptAuditEvents {

    private final Deque<AuditEvent> events = new ArrayDeque<>();
    private int lastRead;

    @Override
    public synchronized void keep(AuditEvent event) {
        events.addLast(event);
    }

    @Override
    public synchronized List<AuditEvent> oldest(int max) {
        List<AuditEvent> oldest = events.stream().limit(max).toList();
        lastRead = oldest.size();
        return oldest;
    }

    @Override
    public synchronized void written(int count) {
        if (count < 0 || count > lastRead) {
            throw new IllegalArgumentException("only events last read can be let go: " + count + " of " + lastRead);
        }
        for (int i = 0; i < count; i++) {
            events.removeFirst();
        }
        lastRead -= count;
    }

    @Override
    public synchronized long count() {
        return events.size();
    }

    @Override
    public synchronized Optional<Instant> oldestOccurredAt() {
        return Optional.ofNullable(events.peekFirst()).map(AuditEvent::occurredAt);
    }

    /** Nothing outlives a process here: there is never anything to take over. */
    @Override
    public long takeOverStopped() {
        return 0;
    }
}
