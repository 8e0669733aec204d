package org.vpsrecovery.application.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.snapshot.DeleteSnapshotCommand;
import org.vpsrecovery.application.snapshot.DeleteSnapshotUseCase;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.backup.ManualBackupQuota;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.Retention;
import org.vpsrecovery.domain.policy.RetentionCandidate;
import org.vpsrecovery.domain.policy.RetentionVerdict;
import org.vpsrecovery.domain.policy.RunJitter;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.port.RunCalendar;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.port.TeamDirectory;
import org.vpsrecovery.domain.port.TeamLimits;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.domain.snapshot.SnapshotQuota;

/**
 * The policies' scheduled runs (ADR 0028). One tick covers a window of time {@code (from, to]}: a
 * (policy, server) pair runs once if one of its cron times, delayed by the server's {@link RunJitter},
 * falls in the window and after the policy's last change. However many cron times a long window holds
 * (the instances were all down), the pair runs once. The caller (bootstrap's cluster job, once across
 * instances) keeps the window's end in db-scheduler's table, so the next tick starts where this one ended.
 *
 * <p>A run is an ordinary audited create ({@link AuditedAttempts}: checked under the server's lock,
 * intent first, the operation tracked to its end) whose events name the policy, its version and the
 * cron time. At a snapshot server's limit, the oldest policy-made completed point that retention lets
 * go is deleted first through the audited delete (holds respected), under the same lock; if none may
 * go the run is refused {@code ROTATION_NOT_POSSIBLE}, audited, and so sent as a webhook.
 */
public final class RunPoliciesService {

    private static final int PAGE = 100;

    private final TeamDirectory teams;
    private final RecoveryPolicies policies;
    private final ServerOwnership ownership;
    private final SnapshotProvider snapshots;
    private final BackupProvider backups;
    private final TeamLimits limits;
    private final HeldRecoveryPoints heldPoints;
    private final RunCalendar calendar;
    private final AuditedAttempts attempts;
    private final DeleteSnapshotUseCase deletes;
    private final Clock clock;

    public RunPoliciesService(TeamDirectory teams, RecoveryPolicies policies, ServerOwnership ownership,
                              SnapshotProvider snapshots, BackupProvider backups, TeamLimits limits,
                              RecoveryOperations operations, RecoveryPointHolds holds, RunCalendar calendar,
                              AuditedAttempts attempts, DeleteSnapshotUseCase deletes, Clock clock) {
        this.teams = Objects.requireNonNull(teams, "teams");
        this.policies = Objects.requireNonNull(policies, "policies");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.backups = Objects.requireNonNull(backups, "backups");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.calendar = Objects.requireNonNull(calendar, "calendar");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.deletes = Objects.requireNonNull(deletes, "deletes");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.heldPoints = new HeldRecoveryPoints(operations, holds, clock);
    }

    /** What one run came to. */
    public enum RunResult { MADE, REFUSED, FAILED }

    /** One due (policy, server) pair and what its run came to. */
    public record Run(PolicyId policy, ServerId server, Instant scheduledFor, RunResult result) {
    }

    /** Runs every pair due in {@code (from, to]}, each once; a failed run is audited and does not stop the others. */
    public List<Run> tick(Instant from, Instant to) {
        if (!from.isBefore(to)) {
            return List.of();
        }
        List<Run> done = new ArrayList<>();
        for (TeamId team : teams.teams().stream().sorted(Comparator.comparing(TeamId::value)).toList()) {
            Optional<PolicyId> after = Optional.empty();
            List<RecoveryPolicy> page;
            do {
                page = policies.list(team, after, PAGE);
                for (RecoveryPolicy policy : page) {
                    for (ServerId server : covered(policy)) {
                        due(policy, server, from, to).ifPresent(at -> done.add(new Run(policy.id(), server, at,
                                run(policy, server, at))));
                    }
                }
                after = page.isEmpty() ? after : Optional.of(page.get(page.size() - 1).id());
            } while (page.size() == PAGE);
        }
        return done;
    }

    /** The latest cron time whose jittered moment is in the window and after the policy's last change. */
    Optional<Instant> due(RecoveryPolicy policy, ServerId server, Instant from, Instant to) {
        Duration jitter = jitter(policy, server, from);
        // A changed policy runs at its new times only: none before the change.
        Instant start = from.isAfter(policy.updatedAt()) ? from : policy.updatedAt();
        Instant latest = null;
        Instant after = start.minus(jitter);
        // Walks the window in small steps; a long downtime still yields a single run (the latest time).
        for (int steps = 0; steps < 10_000; steps++) {
            List<Instant> next = calendar.nextRuns(policy.spec().schedule(), after, 50);
            boolean beyond = false;
            for (Instant fire : next) {
                if (fire.plus(jitter).isAfter(to)) {
                    beyond = true;
                    break;
                }
                latest = fire;
            }
            if (beyond || next.size() < 50) {
                break;
            }
            after = next.get(next.size() - 1);
        }
        return Optional.ofNullable(latest);
    }

    private Duration jitter(RecoveryPolicy policy, ServerId server, Instant around) {
        List<Instant> two = calendar.nextRuns(policy.spec().schedule(), around, 2);
        Duration interval = two.size() == 2 ? Duration.between(two.get(0), two.get(1)) : Duration.ZERO;
        return RunJitter.of(policy.id(), server, interval);
    }

    private List<ServerId> covered(RecoveryPolicy policy) {
        Set<ServerId> owned = ownership.serversOf(policy.team());
        List<ServerId> named = policy.spec().servers().allOwned() ? List.copyOf(owned) : policy.spec().servers().listed();
        return named.stream().filter(owned::contains).sorted(Comparator.comparingLong(ServerId::value)).toList();
    }

    private RunResult run(RecoveryPolicy policy, ServerId server, Instant scheduledFor) {
        CallContext context = new CallContext(policy.team(), new RequestId("policy-run:" + policy.id().value() + ":"
                + server.value() + ":" + scheduledFor.getEpochSecond()));
        String name = policy.spec().nameTemplate().render(server, scheduledFor.atZone(policy.spec().schedule().zone()));
        try {
            if (policy.spec().kind() == PolicyKind.SNAPSHOT) {
                var attempt = attempts.attempt(context, Operation.CREATE_SNAPSHOT).onServer(server)
                        .detail(AuditEvent.NAME, name);
                made(attempt, policy, scheduledFor);
                attempt.run(() -> rotatedIfNeeded(attempt, policy, server),
                        () -> snapshots.createSnapshot(new SnapshotDraft(server, new SnapshotName(name), Optional.empty())),
                        created -> Optional.of(ResourceRef.of(created.id())));
            } else {
                var attempt = attempts.attempt(context, Operation.CREATE_MANUAL_BACKUP).onServer(server)
                        .detail(AuditEvent.DESCRIPTION, name);
                made(attempt, policy, scheduledFor);
                // Manual backups are not rotated yet: at the limit the run is refused by the ordinary quota.
                attempt.run(() -> ManualBackupQuota.evaluate(server, backups.listBackups(Optional.of(server), Optional.empty()),
                                limits.limitsFor(policy.team())),
                        () -> backups.createManualBackup(new BackupDraft(server, Optional.of(new Description(name)))),
                        created -> Optional.of(ResourceRef.of(created.id())));
            }
            return RunResult.MADE;
        } catch (org.vpsrecovery.domain.common.RecoveryDenied refused) {
            return RunResult.REFUSED;
        } catch (RecoveryException | IllegalArgumentException failed) {
            // Audited by the attempt (or a name the template cannot render now): the next cron time tries again.
            return RunResult.FAILED;
        }
    }

    private static void made(AuditedAttempts.Attempt attempt, RecoveryPolicy policy, Instant scheduledFor) {
        attempt.detail(AuditEvent.POLICY_ID, policy.id().value().toString())
                .detail(AuditEvent.POLICY_VERSION, Long.toString(policy.version()))
                .detail(AuditEvent.SCHEDULED_FOR, scheduledFor.toString());
    }

    /**
     * Under the create's lock: the quota, and at the limit one rotation (the oldest policy-made completed
     * point retention drops, deleted through the audited delete), then the quota again.
     */
    private Decision rotatedIfNeeded(AuditedAttempts.Attempt attempt, RecoveryPolicy policy, ServerId server) {
        List<Snapshot> listed = snapshots.listSnapshots(Optional.of(server));
        Decision quota = SnapshotQuota.evaluate(server, listed, limits.limitsFor(policy.team()));
        if (!(quota instanceof Decision.Denied denied) || denied.reason() != ReasonCode.SNAPSHOT_LIMIT_REACHED) {
            return quota;
        }
        Optional<SnapshotId> victim = rotationVictim(policy, listed);
        if (victim.isEmpty()) {
            return Decision.deny(ReasonCode.ROTATION_NOT_POSSIBLE, denied.detail()
                    + "; retention lets no policy-made completed snapshot go, so none was rotated");
        }
        attempt.detail(AuditEvent.ROTATED, "snapshot " + victim.get().value());
        // The audited delete, whose lock on this server this thread already holds (AuditedAttempts).
        deletes.deleteSnapshot(new DeleteSnapshotCommand(new CallContext(policy.team(),
                new RequestId("policy-rotation:" + policy.id().value() + ":" + victim.get().value())), victim.get()));
        return SnapshotQuota.evaluate(server, snapshots.listSnapshots(Optional.of(server)), limits.limitsFor(policy.team()));
    }

    /** The oldest point retention drops; retention never drops a held, unfinished, newest or (unless included) person-made one. */
    Optional<SnapshotId> rotationVictim(RecoveryPolicy policy, List<Snapshot> listed) {
        Set<ResourceRef> held = heldPoints.among(listed.stream().map(s -> ResourceRef.of(s.id())).toList());
        List<RetentionCandidate> candidates = listed.stream().map(s -> new RetentionCandidate(ResourceRef.of(s.id()),
                s.createdAt(), s.isCompleted(), policy.makerOf(s.name()), held.contains(ResourceRef.of(s.id())))).toList();
        return Retention.evaluate(policy.spec().retention(), policy.spec().schedule().zone(), candidates).stream()
                .filter(v -> !v.keep())
                .map(RetentionVerdict::candidate)
                .min(Comparator.comparing(RetentionCandidate::createdAt))
                .flatMap(c -> listed.stream().filter(s -> ResourceRef.of(s.id()).equals(c.point())).findFirst())
                .map(Snapshot::id);
    }
}
