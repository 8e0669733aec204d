package org.vpsrecovery.domain.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;

/** The operations in memory, with the store's rules: unique ids, writes only over the version read. */
public final class InMemoryRecoveryOperations implements RecoveryOperations {

    /** dueIn's order, which its next pages continue: next check, then id. */
    private static final Comparator<RecoveryOperation> DUE_ORDER =
            Comparator.comparing(RecoveryOperation::nextCheckAt).thenComparing(o -> o.id().value());

    private final Map<OperationId, RecoveryOperation> operations = new LinkedHashMap<>();
    private final Map<OperationId, List<ApprovalStep>> owed = new LinkedHashMap<>();

    @Override
    public synchronized void add(RecoveryOperation operation) {
        if (operation.version() != 0) {
            throw new IllegalArgumentException("a new operation starts at version 0");
        }
        if (operations.putIfAbsent(operation.id(), operation) != null) {
            throw new IllegalStateException("operation " + operation.id() + " exists");
        }
    }

    @Override
    public synchronized boolean update(RecoveryOperation from, RecoveryOperation next) {
        RecoveryOperation stored = operations.get(next.id());
        if (stored == null || !from.id().equals(next.id()) || stored.version() != from.version()) {
            return false;
        }
        operations.put(next.id(), next);
        return true;
    }

    @Override
    public synchronized void add(RecoveryOperation operation, ApprovalStep step) {
        add(operation);
        owed.computeIfAbsent(operation.id(), id -> new ArrayList<>()).add(step);
    }

    @Override
    public synchronized boolean update(RecoveryOperation from, RecoveryOperation next, ApprovalStep step) {
        if (!update(from, next)) {
            return false;
        }
        owed.computeIfAbsent(next.id(), id -> new ArrayList<>()).add(step);
        return true;
    }

    @Override
    public synchronized List<OwedApprovalEvents> owingApprovalEvents(int limit) {
        RecoveryOperations.requirePage(limit);
        return owed.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> new OwedApprovalEvents(operations.get(e.getKey()), e.getValue()))
                .sorted(Comparator.comparing((OwedApprovalEvents o) -> o.operation().updatedAt())
                        .thenComparing(o -> o.operation().id().value()))
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

    @Override
    public synchronized Optional<RecoveryOperation> find(OperationId id) {
        return Optional.ofNullable(operations.get(id));
    }

    /** PostgreSQL's order: accepted later first, then the greater id (a uuid orders as its lower-case hex text). */
    private static final Comparator<RecoveryOperation> NEWEST_FIRST = Comparator
            .comparing(RecoveryOperation::acceptedAt)
            .thenComparing(o -> o.id().value().toString())
            .reversed();

    @Override
    public synchronized List<RecoveryOperation> newestFirst(Optional<TeamId> team, Optional<ServerId> server,
                                                            Optional<OperationState> state,
                                                            Optional<RecoveryOperation> after, int limit) {
        RecoveryOperations.requirePage(limit);
        return operations.values().stream()
                .filter(o -> team.map(o.team()::equals).orElse(true))
                .filter(o -> server.map(o.server()::equals).orElse(true))
                .filter(o -> state.map(s -> o.state() == s).orElse(true))
                .filter(o -> after.map(last -> NEWEST_FIRST.compare(o, last) > 0).orElse(true))
                .sorted(NEWEST_FIRST)
                .limit(limit).toList();
    }

    @Override
    public synchronized List<RecoveryOperation> withRequest(TeamId team, RequestId request, int limit) {
        RecoveryOperations.requirePage(limit);
        return operations.values().stream()
                .filter(o -> o.team().equals(team) && o.requestId().equals(request))
                .sorted(Comparator.comparing(RecoveryOperation::acceptedAt).reversed()
                        .thenComparing(o -> o.id().value()))
                .limit(limit).toList();
    }

    @Override
    public synchronized List<RecoveryOperation> dueIn(OperationState state, Instant dueBy, int limit) {
        RecoveryOperations.requirePage(limit);
        return operations.values().stream()
                .filter(o -> o.state() == state && !o.nextCheckAt().isAfter(dueBy))
                .sorted(DUE_ORDER).limit(limit).toList();
    }

    @Override
    public synchronized List<RecoveryOperation> dueInAfter(OperationState state, Instant dueBy, RecoveryOperation after,
                                                           int limit) {
        RecoveryOperations.requirePage(limit);
        return operations.values().stream()
                .filter(o -> o.state() == state && !o.nextCheckAt().isAfter(dueBy) && DUE_ORDER.compare(o, after) > 0)
                .sorted(DUE_ORDER).limit(limit).toList();
    }

    @Override
    public synchronized Map<ServerId, List<RecoveryOperation>> openByServer(Instant dueBy, int limit) {
        RecoveryOperations.requirePage(limit);
        Map<ServerId, List<RecoveryOperation>> byServer = new LinkedHashMap<>();
        operations.values().stream()
                // As the store's: a restore waiting for its safety snapshot is the continuation's, not the tracker's;
                // one waiting for (or just given) approval is the approvals' (ADR 0040).
                .filter(o -> !o.isFinal() && o.state() != org.vpsrecovery.domain.operation.OperationState.AWAITING_SAFETY_SNAPSHOT
                        && o.state() != org.vpsrecovery.domain.operation.OperationState.PENDING_APPROVAL
                        && o.state() != org.vpsrecovery.domain.operation.OperationState.APPROVED
                        && !o.nextCheckAt().isAfter(dueBy))
                .sorted(Comparator.comparing(RecoveryOperation::nextCheckAt))
                .limit(limit)
                .forEach(o -> byServer.computeIfAbsent(o.server(), s -> new ArrayList<>()).add(o));
        return byServer;
    }

    @Override
    public synchronized Open open() {
        List<RecoveryOperation> open = operations.values().stream()
                .filter(o -> o.state() == org.vpsrecovery.domain.operation.OperationState.ACCEPTED
                        || o.state() == org.vpsrecovery.domain.operation.OperationState.IN_PROGRESS
                        || o.state() == org.vpsrecovery.domain.operation.OperationState.UNRESOLVED)
                .toList();
        return open.isEmpty() ? Open.NONE : new Open(open.size(),
                open.stream().map(RecoveryOperation::acceptedAt).min(Comparator.naturalOrder()));
    }

    @Override
    public synchronized List<RecoveryOperation> liveRestores(Optional<ServerId> target, Optional<ResourceRef> source,
                                                            Instant at) {
        return operations.values().stream()
                .filter(o -> o.kind().isRestore() && !o.isFinal() && o.deadline().isAfter(at) && o.hold(at).isPresent())
                .filter(o -> target.map(o.server()::equals).orElse(true))
                .filter(o -> source.map(s -> o.resource().equals(Optional.of(s))).orElse(true))
                .sorted(Comparator.comparing(RecoveryOperation::acceptedAt).reversed())
                .toList();
    }

    @Override
    public synchronized List<RecoveryOperation> about(java.util.Collection<ResourceRef> points) {
        return operations.values().stream()
                .filter(o -> o.resource().map(points::contains).orElse(false))
                .sorted(Comparator.comparing(RecoveryOperation::acceptedAt).thenComparing(o -> o.id().toString()))
                .toList();
    }
}
