package org.vpsrecovery.domain.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainPosition;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.ChainWalk;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.audit.LaterReleaseEvent;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.AttemptAlreadyEnded;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.ChainPositions;

/**
 * A real, in-memory audit history for application tests and the port contract suite. It keeps
 * the same hash chain as the database, and lets its own tests tamper with it behind its back.
 */
public final class InMemoryAuditHistory implements AuditHistory, ChainPositions {

    private record StoredEvent(RecordedAuditEvent recorded, ChainHash previous, ChainHash hash) {
    }

    private final List<StoredEvent> events = new ArrayList<>();
    /** The attempts whose final outcome is on record. */
    private final Set<String> ended = new HashSet<>();
    /** Where the platform's operations are kept, as the database keeps them beside the history. */
    private final Optional<RecoveryOperations> operations;

    /** A history alone: no operation follows any intent. */
    public InMemoryAuditHistory() {
        this.operations = Optional.empty();
    }

    /** A history beside {@code operations}, as the database keeps both. */
    public InMemoryAuditHistory(RecoveryOperations operations) {
        this.operations = Optional.of(operations);
    }
    private long headSequence;
    private ChainHash headHash = ChainHash.GENESIS;
    /** Events read as holding a name of a later release's, their hashes holding: see {@link #tamperLaterRelease}. */
    private final Map<Long, String> laterReleasesNames = new HashMap<>();
    /** The kind of outcome whose next append fails, as the database would in an outage; none when empty. */
    private Optional<Outcome.Kind> refuseNext = Optional.empty();

    /** The next append of an event with this outcome's kind fails (an outage for that one write), then all are taken. */
    public synchronized void refuseNextAppendOf(Outcome.Kind kind) {
        refuseNext = Optional.of(kind);
    }

    /** What the next read of an attempt's events by its id alone throws (a store's failure), then reads answer; none when empty. */
    private Optional<RuntimeException> failNextAttemptRead = Optional.empty();

    /** The next {@link #attemptEvents(String, int)} throws {@code failure}, as a store would, then reads answer. */
    public synchronized void failNextAttemptRead(RuntimeException failure) {
        failNextAttemptRead = Optional.of(failure);
    }

    @Override
    public synchronized List<AuditHistoryEntry> attemptEvents(String attemptId, int limit) {
        if (failNextAttemptRead.isPresent()) {
            RuntimeException failure = failNextAttemptRead.get();
            failNextAttemptRead = Optional.empty();
            throw failure;
        }
        AuditHistory.requireAttemptLimit(limit);
        // As the database's probe: the attempt's intents and final outcomes, a later release's row among them as such
        // (one whose outcome a later release named is of no kind the probe reads).
        return events.stream().map(StoredEvent::recorded)
                .filter(r -> AuditHistory.isAttemptEvent(r.event(), attemptId)
                        && laterReleasesName(r.sequence()).filter(name -> name.startsWith("the outcome ")).isEmpty())
                .sorted(Comparator.comparingLong(RecordedAuditEvent::sequence).reversed())
                .limit(limit).map(this::entry).toList();
    }

    private void refuseIfAsked(List<AuditEvent> batch) {
        if (refuseNext.isPresent() && batch.stream().anyMatch(e -> e.outcome().kind() == refuseNext.get())) {
            refuseNext = Optional.empty();
            throw new IllegalStateException("the audit history is unavailable (a test's outage)");
        }
    }

    @Override
    public synchronized RecordedAuditEvent append(AuditEvent event) {
        refuseIfAsked(List.of(event));
        refuseASecondEnd(List.of(event));
        return appendChecked(event);
    }

    /** All or none, as the database's one statement: a second end anywhere in the batch writes nothing of it. */
    @Override
    public synchronized List<RecordedAuditEvent> appendAll(List<AuditEvent> batch) {
        refuseIfAsked(batch);
        refuseASecondEnd(batch);
        List<RecordedAuditEvent> written = new ArrayList<>(batch.size());
        for (AuditEvent event : batch) {
            written.add(appendChecked(event));
        }
        return List.copyOf(written);
    }

    /** An attempt ends once (ADR 0142): as the database's unique index on a final outcome's attempt id. */
    private void refuseASecondEnd(List<AuditEvent> batch) {
        Set<String> ending = new HashSet<>();
        for (AuditEvent event : batch) {
            if (event.outcome().kind().settlesAttempt() && event.attemptId().isPresent()) {
                String attempt = event.attemptId().get();
                if (ended.contains(attempt) || !ending.add(attempt)) {
                    throw new AttemptAlreadyEnded(attempt, "attempt " + attempt + " has a final outcome on record");
                }
            }
        }
    }

    private RecordedAuditEvent appendChecked(AuditEvent event) {
        event.attemptId().filter(attempt -> event.outcome().kind().settlesAttempt()).ifPresent(ended::add);
        AuditEvent stored = AuditChain.asStored(event);
        long sequence = headSequence + 1;
        ChainHash hash = AuditChain.link(headHash, sequence, stored);
        RecordedAuditEvent recorded = new RecordedAuditEvent(sequence, stored);
        events.add(new StoredEvent(recorded, headHash, hash));
        headSequence = sequence;
        headHash = hash;
        return recorded;
    }

    /** As the database's reader: a row read as holding a later release's name is skipped ({@link #tamperLaterRelease}). */
    @Override
    public synchronized List<RecordedAuditEvent> query(AuditQuery query) {
        return entries(query).stream()
                .flatMap(entry -> entry instanceof RecordedAuditEvent recorded ? Stream.of(recorded) : Stream.empty())
                .toList();
    }

    /**
     * As the database's reader: a row read as holding a later release's name is a {@link LaterReleaseEvent}, matched by
     * its names as stored: one whose operation a later release named passes any operations filter, as every name this
     * release does not know could be one of the filter's kind (own-merge review, session 50).
     */
    @Override
    public synchronized List<AuditHistoryEntry> entries(AuditQuery query) {
        AuditQuery anyOperation = new AuditQuery(query.filter().withOperations(java.util.Set.of()), query.beforeSequence(),
                query.limit());
        return events.stream()
                .map(StoredEvent::recorded)
                .filter(recorded -> query.matches(recorded) || (laterReleasesName(recorded.sequence())
                        .filter(name -> name.startsWith("the operation ")).isPresent() && anyOperation.matches(recorded)))
                .filter(recorded -> laterReleasesName(recorded.sequence()).filter(name ->
                        (name.startsWith("the outcome ") && query.filter().outcome().isPresent())
                                || (name.startsWith("the reason ") && query.filter().reason().isPresent())).isEmpty())
                .sorted(Comparator.comparingLong(RecordedAuditEvent::sequence).reversed())
                .map(this::entry)
                .limit(query.limit())
                .toList();
    }

    /**
     * The event as the database reads it: one read as holding a later release's name ("the operation X", {@link
     * #tamperLaterRelease}) is a {@link LaterReleaseEvent} with that name.
     */
    public synchronized AuditHistoryEntry entry(RecordedAuditEvent recorded) {
        Optional<String> name = laterReleasesName(recorded.sequence());
        if (name.isEmpty()) {
            return recorded;
        }
        String stored = name.get().substring(name.get().lastIndexOf(' ') + 1);
        AuditEvent e = recorded.event();
        return new LaterReleaseEvent(recorded.sequence(), e.occurredAt(), e.team(), e.requestId(), e.server(),
                name.get().startsWith("the operation ") ? stored : e.operation().name(),
                name.get().startsWith("the outcome ") ? stored : e.outcome().kind().name(),
                name.get().startsWith("the reason ") ? Optional.of(stored) : e.outcome().reasonCode().map(Enum::name),
                name.get(), e.resource().map(r -> name.get().startsWith("the resource type ") ? stored : r.type().name()),
                e.resource().map(ResourceRef::id), e.outcome().explanation(), e.providerStatus(), e.detail());
    }

    @Override
    public synchronized List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, long afterSequence, int limit) {
        AuditHistory.requirePendingLimit(limit);
        List<RecordedAuditEvent> all = events.stream().map(StoredEvent::recorded).toList();
        return all.stream()
                .filter(e -> e.sequence() > afterSequence)
                .filter(e -> e.event().outcome().kind() == Outcome.Kind.ACCEPTED)
                .filter(e -> e.event().occurredAt().isBefore(acceptedBefore))
                .filter(intent -> all.stream().noneMatch(later -> resolves(later, intent)))
                .filter(intent -> !followedByAnOpenOperation(intent))
                .limit(limit)
                .toList();
    }

    private boolean followedByAnOpenOperation(RecordedAuditEvent intent) {
        return operations.isPresent() && intent.event().attemptId().flatMap(attempt -> {
            try {
                return operations.get().find(OperationId.parse(attempt));
            } catch (IllegalArgumentException notAnOperationId) {
                return Optional.empty();
            }
        }).filter(operation -> !operation.isFinal()).isPresent();
    }

    private static boolean resolves(RecordedAuditEvent later, RecordedAuditEvent intent) {
        return later.sequence() > intent.sequence()
                && later.event().outcome().kind().settlesAttempt()
                && later.event().sameAttemptAs(intent.event());
    }

    @Override
    public synchronized ChainVerification verifyChain() {
        return walk(new ChainWalk(), 0);
    }

    @Override
    public synchronized ChainVerification verifyChainAfter(long sequence, ChainHash hash) {
        return walk(ChainWalk.after(sequence, hash), sequence);
    }

    private ChainVerification walk(ChainWalk walk, long after) {
        long firstLater = 0;
        long laterEvents = 0;
        for (StoredEvent stored : events) {
            long sequence = stored.recorded().sequence();
            if (sequence <= after) {
                continue;
            }
            Optional<ChainVerification.Broken> broken = walk.next(sequence, stored.recorded().event(),
                    stored.previous(), stored.hash());
            if (broken.isPresent()) {
                return broken.get();
            }
            if (laterReleasesNames.containsKey(sequence)) {
                firstLater = firstLater == 0 ? sequence : firstLater;
                laterEvents++;
            }
        }
        ChainVerification finished = walk.finish(headSequence, headHash);
        // As the database's walk: such events are said only when nothing else is broken.
        if (finished instanceof ChainVerification.Broken || laterEvents == 0) {
            return finished;
        }
        return ChainWalk.writtenByALaterRelease(firstLater, laterReleasesNames.get(firstLater), laterEvents);
    }

    @Override
    public synchronized ChainPosition head() {
        return new ChainPosition(headSequence, headHash);
    }

    @Override
    public synchronized Map<Long, ChainHash> hashesAt(Collection<Long> sequences) {
        ChainPositions.requireLookupSize(sequences);
        Map<Long, ChainHash> found = new HashMap<>();
        for (StoredEvent stored : events) {
            if (sequences.contains(stored.recorded().sequence())) {
                found.put(stored.recorded().sequence(), stored.hash());
            }
        }
        return found;
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
                endedAsStored();
                return;
            }
        }
        throw new IllegalArgumentException("no event " + sequence);
    }

    /**
     * For tests of verification: the event at {@code sequence} reads from now on as the database's walk reads an event
     * holding {@code name}, a name of a later release's, whose hash holds over its stored parts (ADR 0005).
     */
    public synchronized void tamperLaterRelease(long sequence, String name) {
        if (events.stream().noneMatch(e -> e.recorded().sequence() == sequence)) {
            throw new IllegalArgumentException("no event " + sequence);
        }
        laterReleasesNames.put(sequence, name);
    }

    /** The name of a later release's the event at {@code sequence} is read as holding ({@link #tamperLaterRelease}). */
    public synchronized Optional<String> laterReleasesName(long sequence) {
        return Optional.ofNullable(laterReleasesNames.get(sequence));
    }

    /** For tests of tamper evidence: removes one event without a trace other than the chain. */
    public synchronized void tamperRemove(long sequence) {
        if (!events.removeIf(e -> e.recorded().sequence() == sequence)) {
            throw new IllegalArgumentException("no event " + sequence);
        }
        endedAsStored();
    }

    /**
     * For tests of tamper evidence: what the database's owner can do, and the chain alone cannot
     * show. Removes the events from {@code sequence} on and moves the head back to the event before.
     */
    public synchronized void tamperTruncate(long sequence) {
        if (!events.removeIf(e -> e.recorded().sequence() >= sequence)) {
            throw new IllegalArgumentException("no event from " + sequence);
        }
        StoredEvent last = events.isEmpty() ? null : events.getLast();
        headSequence = last == null ? 0 : last.recorded().sequence();
        headHash = last == null ? ChainHash.GENESIS : last.hash();
        endedAsStored();
    }

    /** The ended attempts as the stored events say, after a test changed them behind the history's back. */
    private void endedAsStored() {
        ended.clear();
        events.forEach(e -> e.recorded().event().attemptId()
                .filter(attempt -> e.recorded().event().outcome().kind().settlesAttempt()).ifPresent(ended::add));
    }
}
