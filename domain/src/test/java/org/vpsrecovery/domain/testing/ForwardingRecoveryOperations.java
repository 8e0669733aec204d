package org.vpsrecovery.domain.testing;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;

/**
 * Operations passing every call the port requires on to another store: a test overrides the calls it bends (a store
 * failing, another writer first). The port's default methods run on this object, so they go through a bent call too.
 */
public class ForwardingRecoveryOperations implements RecoveryOperations {

    private final RecoveryOperations operations;

    public ForwardingRecoveryOperations(RecoveryOperations operations) {
        this.operations = Objects.requireNonNull(operations, "operations");
    }

    @Override
    public void add(RecoveryOperation operation) {
        operations.add(operation);
    }

    @Override
    public boolean update(RecoveryOperation from, RecoveryOperation next) {
        return operations.update(from, next);
    }

    @Override
    public void add(RecoveryOperation operation, ApprovalStep step) {
        operations.add(operation, step);
    }

    @Override
    public boolean update(RecoveryOperation from, RecoveryOperation next, ApprovalStep step) {
        return operations.update(from, next, step);
    }

    @Override
    public List<OwedApprovalEvents> owingApprovalEvents(int limit) {
        return operations.owingApprovalEvents(limit);
    }

    @Override
    public List<ApprovalStep> owedApprovalSteps(OperationId id) {
        return operations.owedApprovalSteps(id);
    }

    @Override
    public void approvalEventWritten(OperationId id, ApprovalStep step) {
        operations.approvalEventWritten(id, step);
    }

    @Override
    public Optional<RecoveryOperation> find(OperationId id) {
        return operations.find(id);
    }

    @Override
    public List<RecoveryOperation> newestFirst(Optional<TeamId> team,
                                               Optional<org.vpsrecovery.domain.server.ServerId> server,
                                               Optional<OperationState> state, Optional<RecoveryOperation> after,
                                               int limit) {
        return operations.newestFirst(team, server, state, after, limit);
    }

    @Override
    public List<RecoveryOperation> withRequest(TeamId team, RequestId request, int limit) {
        return operations.withRequest(team, request, limit);
    }

    @Override
    public List<RecoveryOperation> dueIn(OperationState state, Instant dueBy, int limit) {
        return operations.dueIn(state, dueBy, limit);
    }

    @Override
    public List<RecoveryOperation> dueInAfter(OperationState state, Instant dueBy, RecoveryOperation after, int limit) {
        return operations.dueInAfter(state, dueBy, after, limit);
    }

    @Override
    public Map<org.vpsrecovery.domain.server.ServerId, List<RecoveryOperation>> openByServer(Instant dueBy, int limit) {
        return operations.openByServer(dueBy, limit);
    }

    @Override
    public Open open() {
        return operations.open();
    }

    @Override
    public List<RecoveryOperation> liveRestores(Optional<org.vpsrecovery.domain.server.ServerId> target,
                                                Optional<ResourceRef> source, Instant at) {
        return operations.liveRestores(target, source, at);
    }

    @Override
    public List<RecoveryOperation> about(Collection<ResourceRef> points) {
        return operations.about(points);
    }
}
