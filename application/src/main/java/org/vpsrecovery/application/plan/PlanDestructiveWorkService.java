package org.vpsrecovery.application.plan;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.application.restore.SafetySnapshots;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDeletionPolicy;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupRestorePolicy;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.hold.RecoveryPointHeldPolicy;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDeletionPolicy;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotRestorePolicy;

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

    private final SnapshotProvider snapshots;
    private final BackupProvider backups;
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
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.backups = Objects.requireNonNull(backups, "backups");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.servers = Objects.requireNonNull(servers, "servers");
        this.holds = Objects.requireNonNull(holds, "holds");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Plan planDeleteSnapshot(CallContext context, SnapshotId id) {
        ResourceRef point = ResourceRef.of(id);
        Snapshot snapshot = snapshotOf(context, Operation.DELETE_SNAPSHOT, id);
        ServerRef server = snapshot.server();
        return audited(context, new Plan(Operation.DELETE_SNAPSHOT, server.id(), point, server.id(), List.of(
                Plan.Verdict.of(SnapshotDeletionPolicy.class,
                        SnapshotDeletionPolicy.evaluate(snapshot, servers.current(server), servers.holdsOn(point))),
                Plan.Verdict.of(RecoveryPointHeldPolicy.class, RecoveryPointHeldPolicy.evaluate(point, holds.activeOn(point)))),
                List.of(new Plan.Effect.Delete(point, server.id()))));
    }

    @Override
    public Plan planDeleteBackup(CallContext context, BackupId id) {
        ResourceRef point = ResourceRef.of(id);
        Backup backup = backupOf(context, Operation.DELETE_BACKUP, id, Optional.empty());
        ServerRef server = backup.server();
        return audited(context, new Plan(Operation.DELETE_BACKUP, server.id(), point, server.id(), List.of(
                Plan.Verdict.of(BackupDeletionPolicy.class,
                        BackupDeletionPolicy.evaluate(backup, servers.current(server), servers.holdsOn(point))),
                Plan.Verdict.of(RecoveryPointHeldPolicy.class, RecoveryPointHeldPolicy.evaluate(point, holds.activeOn(point)))),
                List.of(new Plan.Effect.Delete(point, server.id()))));
    }

    @Override
    public Plan planRestoreSnapshot(CallContext context, SnapshotId id) {
        return planRestoreSnapshot(context, id, false);
    }

    @Override
    public Plan planRestoreSnapshot(CallContext context, SnapshotId id, boolean skipSafetySnapshot) {
        ResourceRef point = ResourceRef.of(id);
        Snapshot snapshot = snapshotOf(context, Operation.RESTORE_SNAPSHOT, id);
        ServerRef server = snapshot.server();
        List<Plan.Verdict> verdicts = new ArrayList<>(List.of(
                Plan.Verdict.of(SnapshotRestorePolicy.class, SnapshotRestorePolicy.evaluate(snapshot, servers.current(server)))));
        List<Plan.Effect> effects = new ArrayList<>();
        Optional<Plan.SafetySnapshot> first = safetySnapshot(context, server.id(), point, skipSafetySnapshot, verdicts, effects);
        effects.add(new Plan.Effect.Overwrite(server.id(), point, server.id()));
        return audited(context, new Plan(Operation.RESTORE_SNAPSHOT, server.id(), point, server.id(), verdicts,
                effects, first));
    }

    @Override
    public Plan planRestoreServerFromBackup(CallContext context, ServerId target, BackupId id) {
        return planRestoreServerFromBackup(context, target, id, false);
    }

    @Override
    public Plan planRestoreServerFromBackup(CallContext context, ServerId target, BackupId id, boolean skipSafetySnapshot) {
        ResourceRef point = ResourceRef.of(id);
        Backup backup = backupOf(context, Operation.RESTORE_SERVER_FROM_BACKUP, id, Optional.of(target));
        ServerRef targetRef = backup.server().id().equals(target) ? backup.server() : new ServerRef(target, "");
        List<Plan.Verdict> verdicts = new ArrayList<>(List.of(Plan.Verdict.of(BackupRestorePolicy.class,
                BackupRestorePolicy.evaluate(backup, servers.current(targetRef), clock.instant()))));
        List<Plan.Effect> effects = new ArrayList<>();
        Optional<Plan.SafetySnapshot> first = safetySnapshot(context, target, point, skipSafetySnapshot, verdicts, effects);
        effects.add(new Plan.Effect.Overwrite(target, point, backup.server().id()));
        return audited(context, new Plan(Operation.RESTORE_SERVER_FROM_BACKUP, target, point, backup.server().id(),
                verdicts, effects, first));
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

    private Snapshot snapshotOf(CallContext context, Operation action, SnapshotId id) {
        var attempt = refusable(context, action, ResourceRef.of(id));
        return attempt.lookUp(() -> snapshots.listSnapshots(Optional.empty()).stream()
                        .filter(s -> s.id().equals(id) && ownership.owns(context.team(), s.server().id())).findFirst())
                .orElseThrow(() -> attempt.refuse(new ResourceNotFound(ReasonCode.SNAPSHOT_NOT_FOUND, "snapshot " + id + " not found")));
    }

    private Backup backupOf(CallContext context, Operation action, BackupId id, Optional<ServerId> target) {
        var attempt = refusable(context, action, ResourceRef.of(id));
        target.ifPresent(attempt::onServer);
        if (target.filter(t -> !ownership.owns(context.team(), t)).isPresent()) {
            throw attempt.refuse(new ResourceNotFound(ReasonCode.SERVER_NOT_FOUND, "server " + target.get() + " not found"));
        }
        return attempt.lookUp(() -> backups.listBackups(Optional.empty(), Optional.empty()).stream()
                        .filter(b -> b.id().equals(id) && ownership.owns(context.team(), b.server().id())).findFirst())
                .orElseThrow(() -> attempt.refuse(new ResourceNotFound(ReasonCode.BACKUP_NOT_FOUND, "backup " + id + " not found")));
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
        writer.appendOrDefer(new AuditEvent(clock.instant(), context.team(), context.requestId(), plan.action(),
                Optional.of(plan.server()), point, new Outcome.Planned(), OptionalInt.empty(), detail));
        return plan;
    }
}
