package org.vpsrecovery.domain.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.ChainWalk;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.port.AuditHistory;

/**
 * A real, in-memory audit history for application tests and the port contract suite. It keeps
 * the same hash chain as the database, and lets its own tests tamper with it behind its back.
 */
public final class InMemoryAuditHistory implements AuditHistory {

    private record StoredEvent(RecordedAuditEvent recorded, ChainHash previous, ChainHash hash) {
    }

    private final List<StoredEvent> events = new ArrayList<>();
    private long headSequence;
    private ChainHash headHash = ChainHash.GENESIS;

    @Override
    public synchronized RecordedAuditEvent append(AuditEvent event) {
        AuditEvent stored = AuditChain.asStored(event);
        long sequence = headSequence + 1;
        ChainHash hash = AuditChain.link(headHash, sequence, stored);
        RecordedAuditEvent recorded = new RecordedAuditEvent(sequence, stored);
        events.add(new StoredEvent(recorded, headHash, hash));
        headSequence = sequence;
        headHash = hash;
        return recorded;
    }

    @Override
    public synchronized List<RecordedAuditEvent> query(AuditQuery query) {
        return events.stream()
                .map(StoredEvent::recorded)
                .filter(query::matches)
                .sorted(Comparator.comparingLong(RecordedAuditEvent::sequence).reversed())
                .limit(query.limit())
                .toList();
    }

    @Override
    public synchronized List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, int limit) {
        AuditHistory.requirePendingLimit(limit);
        List<RecordedAuditEvent> all = events.stream().map(StoredEvent::recorded).toList();
        return all.stream()
                .filter(e -> e.event().outcome().kind() == Outcome.Kind.ACCEPTED)
                .filter(e -> e.event().occurredAt().isBefore(acceptedBefore))
                .filter(intent -> all.stream().noneMatch(later -> resolves(later, intent)))
                .limit(limit)
                .toList();
    }

    private static boolean resolves(RecordedAuditEvent later, RecordedAuditEvent intent) {
        return later.sequence() > intent.sequence()
                && later.event().outcome().kind().settlesAttempt()
                && later.event().sameAttemptAs(intent.event());
    }

    @Override
    public synchronized ChainVerification verifyChain() {
        ChainWalk walk = new ChainWalk();
        for (StoredEvent stored : events) {
            Optional<ChainVerification.Broken> broken = walk.next(stored.recorded().sequence(),
                    stored.recorded().event(), stored.previous(), stored.hash());
            if (broken.isPresent()) {
                return broken.get();
            }
        }
        return walk.finish(headSequence, headHash);
    }

    /** Every stored event with its position, oldest first (for in-memory reports). */
    public synchronized List<RecordedAuditEvent> recorded() {
        return events.stream().map(StoredEvent::recorded).toList();
    }

    public synchronized List<AuditEvent> all() {
        return events.stream().map(e -> e.recorded().event()).toList();
    }

    /** For tests of tamper evidence: swaps the stored content of one event, keeping its hashes. */
    public synchronized void tamperReplace(long sequence, AuditEvent replacement) {
        for (int i = 0; i < events.size(); i++) {
            StoredEvent stored = events.get(i);
            if (stored.recorded().sequence() == sequence) {
                events.set(i, new StoredEvent(new RecordedAuditEvent(sequence, replacement), stored.previous(),
                        stored.hash()));
                return;
            }
        }
        throw new IllegalArgumentException("no event " + sequence);
    }

    /** For tests of tamper evidence: removes one event without a trace other than the chain. */
    public synchronized void tamperRemove(long sequence) {
        if (!events.removeIf(e -> e.recorded().sequence() == sequence)) {
            throw new IllegalArgumentException("no event " + sequence);
        }
    }
}
