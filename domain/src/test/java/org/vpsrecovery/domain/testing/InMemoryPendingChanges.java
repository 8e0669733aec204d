package org.vpsrecovery.domain.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.change.PendingChange;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.port.PendingChanges;

/** Pending changes in memory, for application tests; the contract test holds it to the PostgreSQL store's behaviour. */
public final class InMemoryPendingChanges implements PendingChanges {

    private final Map<OperationId, PendingChange> changes = new LinkedHashMap<>();
    private final Map<OperationId, List<ApprovalStep>> owed = new LinkedHashMap<>();

    @Override
    public synchronized void add(PendingChange change, ApprovalStep asked) {
        if (change.version() != 0 || changes.containsKey(change.id())) {
            throw new IllegalArgumentException("a new change, once, at version 0");
        }
        changes.put(change.id(), change);
        owed.computeIfAbsent(change.id(), id -> new ArrayList<>()).add(asked);
    }

    @Override
    public synchronized Optional<PendingChange> find(OperationId id) {
        return Optional.ofNullable(changes.get(id));
    }

    @Override
    public synchronized boolean update(PendingChange from, PendingChange next) {
        if (!from.id().equals(next.id())) {
            throw new IllegalArgumentException("an update moves one change");
        }
        PendingChange stored = changes.get(from.id());
        if (stored == null || stored.version() != from.version()) {
            return false;
        }
        changes.put(next.id(), next);
        return true;
    }

    @Override
    public synchronized boolean update(PendingChange from, PendingChange next, ApprovalStep step) {
        if (!update(from, next)) {
            return false;
        }
        owed.computeIfAbsent(next.id(), id -> new ArrayList<>()).add(step);
        return true;
    }

    @Override
    public synchronized List<OwedChangeEvents> owingApprovalEvents(int limit) {
        PendingChanges.requirePage(limit);
        return owed.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> new OwedChangeEvents(changes.get(e.getKey()), e.getValue()))
                .sorted(Comparator.comparing((OwedChangeEvents o) -> o.change().updatedAt())
                        .thenComparing(o -> o.change().id().value()))
                .limit(limit).toList();
    }

    @Override
    public synchronized List<ApprovalStep> owedApprovalSteps(OperationId id) {
        return List.copyOf(owed.getOrDefault(id, List.of()));
    }

    @Override
    public synchronized void approvalEventWritten(OperationId id, ApprovalStep step) {
        Optional.ofNullable(owed.get(id)).ifPresent(steps -> steps.remove(step));
    }

    /** PostgreSQL's order: asked later first, then the greater id (a uuid orders as its lower-case hex text). */
    private static final Comparator<PendingChange> NEWEST_FIRST = Comparator
            .comparing((PendingChange c) -> c.approval().requestedAt())
            .thenComparing(c -> c.id().value().toString())
            .reversed();

    @Override
    public synchronized List<PendingChange> newestFirst(TeamId team, Optional<OperationState> state,
                                                        Optional<org.vpsrecovery.domain.audit.Operation> kind,
                                                        Optional<PendingChange> after, int limit) {
        PendingChanges.requirePage(limit);
        return changes.values().stream().filter(c -> c.team().equals(team))
                .filter(c -> state.map(s -> c.state() == s).orElse(true))
                .filter(c -> kind.map(k -> c.kind() == k).orElse(true))
                .filter(c -> after.map(last -> NEWEST_FIRST.compare(c, last) > 0).orElse(true))
                .sorted(NEWEST_FIRST).limit(limit).toList();
    }

    @Override
    public synchronized List<PendingChange> dueIn(OperationState state, Instant dueBy, int limit) {
        PendingChanges.requirePage(limit);
        return changes.values().stream().filter(c -> c.state() == state && !c.nextCheckAt().isAfter(dueBy))
                .sorted(Comparator.comparing(PendingChange::nextCheckAt)).limit(limit).toList();
    }
}
