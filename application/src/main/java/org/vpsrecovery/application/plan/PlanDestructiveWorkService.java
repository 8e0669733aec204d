package org.vpsrecovery.application.plan;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.application.backup.TeamBackups;
import org.vpsrecovery.application.recoverypoint.kind.PolicyCheck;
import org.vpsrecovery.application.recoverypoint.kind.RecoveryPoints;
import org.vpsrecovery.application.restore.SafetySnapshots;
import org.vpsrecovery.application.snapshot.TeamSnapshots;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * Dry runs (ADR 0029). Reads what the real call reads (VPS.org's lists, the restore holds, the holds),
 * applies the same named domain policies, each on its own so that every refusal shows, and audits one
 * {@code PLANNED} event. No lock, no operation, and no VPS.org call that changes anything: a plan is
 * a reading at one moment; the real call checks again under its lock.
 *
 * <p>What the caller may not see is refused exactly as the real call refuses it (404, audited as a
 * rejection marked {@code dry_run}); a refusal by a policy is part of the plan, not an error.
 */
public final class PlanDestructiveWorkService implements PlanDestructiveWorkUseCase {

    private final RecoveryPoints<SnapshotId, Snapshot> snapshots;
    private final RecoveryPoints<BackupId, Backup> backups;
    private final ServerOwnership ownership;
    private final ServerStates servers;
    private final RecoveryPointHolds holds;
    private final AuditedAttempts attempts;
    private final AuditWriter writer;
    private final Clock clock;
    private final Optional<SafetySnapshots> safety;

    /** Restores take no safety snapshot. */
    public PlanDestructiveWorkService(SnapshotProvider snapshots, BackupProvider backups, ServerOwnership ownership,
                                      ServerStates servers, RecoveryPointHolds holds, AuditedAttempts attempts,
                                      AuditWriter writer, Clock clock) {
        this(snapshots, backups, ownership, servers, holds, attempts, writer, clock, Optional.empty());
    }

    public PlanDestructiveWorkService(SnapshotProvider snapshots, BackupProvider backups, ServerOwnership ownership,
                                      ServerStates servers, RecoveryPointHolds holds, AuditedAttempts attempts,
                                      AuditWriter writer, Clock clock, Optional<SafetySnapshots> safety) {
        this.safety = Objects.requireNonNull(safety, "safety");
        this.snapshots = new TeamSnapshots(snapshots, ownership);
        this.backups = new TeamBackups(backups, ownership);
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.servers = Objects.requireNonNull(servers, "servers");
        this.holds = Objects.requireNonNull(holds, "holds");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Plan planDeleteSnapshot(CallContext context, SnapshotId id) {
        return planDelete(snapshots, context, id);
    }

    @Override
    public Plan planDeleteBackup(CallContext context, BackupId id) {
        return planDelete(backups, context, id);
    }

    @Override
    public Plan planRestoreSnapshot(CallContext context, SnapshotId id) {
        return planRestoreSnapshot(context, id, false);
    }

    @Override
    public Plan planRestoreSnapshot(CallContext context, SnapshotId id, boolean skipSafetySnapshot) {
        return planRestore(snapshots, context, id, Optional.empty(), skipSafetySnapshot);
    }

    @Override
    public Plan planRestoreServerFromBackup(CallContext context, ServerId target, BackupId id) {
        return planRestoreServerFromBackup(context, target, id, false);
    }

    @Override
    public Plan planRestoreServerFromBackup(CallContext context, ServerId target, BackupId id, boolean skipSafetySnapshot) {
        return planRestore(backups, context, id, Optional.of(target), skipSafetySnapshot);
    }

    private <I, P> Plan planDelete(RecoveryPoints<I, P> points, CallContext context, I id) {
        ResourceRef point = points.ref(id);
        P found = points.lookUp(refusable(context, points.deleteOperation(), point), context.team(), id,
                ConsistentListBound.oneDeadlineForARequest());
        ServerRef server = points.serverOf(found);
        return audited(context, new Plan(points.deleteOperation(), server.id(), point, server.id(),
                verdicts(points.deletionChecks(found, server, servers, holds, context.team())),
                List.of(new Plan.Effect.Delete(point, server.id()))));
    }

    /** {@code target}: the server a backup restores; a snapshot restores its own (empty). */
    private <I, P> Plan planRestore(RecoveryPoints<I, P> points, CallContext context, I id, Optional<ServerId> target,
                                    boolean skipSafetySnapshot) {
        ResourceRef point = points.ref(id);
        var attempt = refusable(context, points.restoreOperation(), point);
        target.ifPresent(attempt::onServer);
        if (target.filter(t -> !ownership.owns(context.team(), t)).isPresent()) {
            throw attempt.refuse(new ResourceNotFound(ReasonCode.SERVER_NOT_FOUND, "server " + target.get() + " not found"));
        }
        P found = points.lookUp(attempt, context.team(), id, ConsistentListBound.oneDeadlineForARequest());
        ServerRef source = points.serverOf(found);
        ServerId onto = target.orElse(source.id());
        List<Plan.Verdict> verdicts = verdicts(points.restoreChecks(found, RecoveryPoints.restoreTarget(source, onto),
                servers, clock.instant(), context.team()));
        List<Plan.Effect> effects = new ArrayList<>();
        Optional<Plan.SafetySnapshot> first = safetySnapshot(context, onto, point, skipSafetySnapshot, verdicts, effects);
        effects.add(new Plan.Effect.Overwrite(onto, point, source.id()));
        return audited(context, new Plan(points.restoreOperation(), onto, point, source.id(), verdicts, effects, first));
    }

    /** Every check's verdict, in order: the same checks the real call stops at the first refusal of. */
    private static List<Plan.Verdict> verdicts(List<PolicyCheck> checks) {
        List<Plan.Verdict> verdicts = new ArrayList<>();
        checks.forEach(check -> verdicts.add(new Plan.Verdict(check.name(), check.decide().get())));
        return verdicts;
    }

    /** The safety snapshot the restore would take first, if it takes one; its room is one more verdict. */
    private Optional<Plan.SafetySnapshot> safetySnapshot(CallContext context, ServerId server, ResourceRef reading,
                                                        boolean skipped, List<Plan.Verdict> verdicts,
                                                        List<Plan.Effect> effects) {
        if (safety.filter(s -> s.applies(context.team(), skipped)).isEmpty()) {
            return Optional.empty();
        }
        SafetySnapshots.Room room = safety.get().room(context.team(), server, reading);
        verdicts.add(new Plan.Verdict(SafetySnapshots.ROOM_POLICY, room.decision()));
        // A snapshot a policy's retention lets go to make room is deleted first: one more effect.
        room.rotated().ifPresent(gone -> effects.add(new Plan.Effect.Delete(ResourceRef.of(gone), server)));
        return Optional.of(new Plan.SafetySnapshot(server, SafetySnapshots.NAME_PREFIX, room.decision()));
    }

    private AuditedAttempts.Attempt refusable(CallContext context, Operation action, ResourceRef point) {
        return attempts.attempt(context, action).about(point).detail(AuditEvent.DRY_RUN, "true");
    }

    /** One PLANNED event: the action, whether it would be allowed, and the first policy that refuses it. */
    private Plan audited(CallContext context, Plan plan) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put(AuditEvent.DRY_RUN, "true");
        detail.put(AuditEvent.PLAN_ALLOWED, Boolean.toString(plan.allowed()));
        plan.verdicts().stream().filter(v -> v.decision() instanceof Decision.Denied).findFirst().ifPresent(v -> {
            Decision.Denied denied = (Decision.Denied) v.decision();
            detail.put(AuditEvent.PLAN_REFUSED_BY, v.policy() + " " + denied.reason().name());
            detail.put(AuditEvent.MESSAGE, AuditEvent.detailValue(denied.detail()));
        });
        Optional<ResourceRef> point = Optional.of(plan.point());
        context.actor().into(detail);
        writer.appendOrDefer(new AuditEvent(clock.instant(), context.team(), context.requestId(), plan.action(),
                Optional.of(plan.server()), point, new Outcome.Planned(), OptionalInt.empty(), detail));
        return plan;
    }
}
