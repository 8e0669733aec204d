package org.vpsrecovery.application.policy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.restore.SafetySnapshotRotation;
import org.vpsrecovery.application.snapshot.DeleteSnapshotCommand;
import org.vpsrecovery.application.snapshot.DeleteSnapshotUseCase;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicyVersion;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionCandidate;
import org.vpsrecovery.domain.policy.Rotation;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * Room for a restore's safety snapshot at the server's limit, by the runs' rules (ADR 0036): of the
 * team's snapshot policies covering the server, each names the oldest of its snapshots its retention lets
 * go as the points are now (the safety snapshot is none of its points, so it takes no policy's slot), and
 * the oldest of those goes, through the audited delete (holds checked again), its request id naming the
 * policy. Held, unfinished, person-made (unless a policy includes them) and the newest completed
 * snapshots never go: retention never drops them.
 */
public final class PolicySafetySnapshotRotation implements SafetySnapshotRotation {

    private static final int PAGE = 100;
    /** When a rotation's delete did not end done: about a tracker round, after which its end is usually known. */
    private static final Duration ROOM_RETRY_AFTER = Duration.ofSeconds(5);

    private final RecoveryPolicies policies;
    private final ServerOwnership ownership;
    private final PolicyPoints points;
    private final DeleteSnapshotUseCase deletes;
    private final Clock clock;

    public PolicySafetySnapshotRotation(RecoveryPolicies policies, ServerOwnership ownership,
                                        SnapshotProvider snapshots,
                                        BackupProvider backups,
                                        RecoveryOperations operations,
                                        RecoveryPointHolds holds,
                                        DeleteSnapshotUseCase deletes, Clock clock) {
        this.policies = Objects.requireNonNull(policies, "policies");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.points = new PolicyPoints(snapshots, backups, operations, holds, clock);
        this.clock = clock;
        this.deletes = Objects.requireNonNull(deletes, "deletes");
    }

    private record Choice(PolicyVersion policy, RetentionCandidate point) {
    }

    @Override
    public Optional<SnapshotId> choose(TeamId team, ServerId server, ResourceRef reading) {
        return chosen(team, server, reading).map(c -> new SnapshotId(c.point().point().id()));
    }

    /**
     * {@inheritDoc} The delete is its own attempt, with its own operation and record, naming the policy's version. When
     * VPS.org refuses it for good ({@link ProviderFailure#refusedForGood}), the restore is refused
     * {@code ROTATION_NOT_POSSIBLE}. When it does not end done otherwise (refused by the platform, failed, or its answer
     * lost, which its record keeps UNRESOLVED for the tracker to settle), no room was made now and
     * the restore is neither stored nor sent: {@link PlatformUnavailable#attemptEndedBeforeTheProvider}, "not now", whose
     * retry reads the room again. Passed up as it was, the delete's failure read as the restore's own (a lost answer: a
     * 504 naming the delete, kept under the restore's Idempotency-Key for 24 h; ADR 0029, amended in session 48).
     */
    @Override
    public Optional<SnapshotId> makeRoom(TeamId team, ServerId server, ResourceRef reading) {
        Optional<Choice> choice = chosen(team, server, reading);
        choice.ifPresent(c -> {
            SnapshotId victim = new SnapshotId(c.point().point().id());
            CallContext delete = new CallContext(team, new RequestId("policy-rotation:" + c.policy().policy().value()
                    + ":" + c.point().point().type().name().toLowerCase(Locale.ROOT) + ":" + c.point().point().id()));
            try {
                deletes.deleteSnapshot(new DeleteSnapshotCommand(delete, victim, Optional.of(c.policy())));
            } catch (ProviderFailure refused) {
                throw refused.refusedForGood() ? rotationRefused(victim, delete, refused) : roomNotMade(victim, delete, refused);
            } catch (RecoveryException notDone) {
                throw roomNotMade(victim, delete, notDone);
            }
        });
        return choice.map(c -> new SnapshotId(c.point().point().id()));
    }

    /**
     * VPS.org refused the rotation's delete in a way asking again will not change (the snapshot locked or in use at
     * VPS.org): a final, typed refusal of the restore, {@code ROTATION_NOT_POSSIBLE}, saying which snapshot, VPS.org's
     * words and what to do. Answered "not now" before, every retry chose the same snapshot and was refused the same
     * way. The next snapshot is not rotated instead: VPS.org documents no refusal of a delete, so what it means is not
     * known here, and a restore's room deletes one snapshot at most (ADR 0029, amended in session 49).
     */
    private static RecoveryDenied rotationRefused(SnapshotId victim, CallContext delete, ProviderFailure refused) {
        OperationId operation = refused.operation().orElse(delete.operationId());
        return new RecoveryDenied(ReasonCode.ROTATION_NOT_POSSIBLE, "no room was made for the restore's safety "
                + "snapshot: VPS.org refused the rotation's delete of snapshot " + victim + " (" + refused.getMessage()
                + "; operation " + operation + "), so the restore was not stored, no safety snapshot was asked for and "
                + "VPS.org was not asked to restore; unlock or delete snapshot " + victim + " at VPS.org, delete "
                + "another snapshot of the server, or restore with skip_safety_snapshot=true");
    }

    private static PlatformUnavailable roomNotMade(SnapshotId victim, CallContext delete, RecoveryException notDone) {
        boolean unknown = notDone instanceof ProviderFailure lost && lost.outcomeUnknown();
        OperationId operation = notDone instanceof ProviderFailure failure
                ? failure.operation().orElse(delete.operationId()) : delete.operationId();
        Duration retryAfter = notDone instanceof PlatformUnavailable notNow ? notNow.retryAfter()
                : notDone instanceof ProviderFailure failure ? failure.retryAfter().orElse(ROOM_RETRY_AFTER) : ROOM_RETRY_AFTER;
        String what = unknown
                ? " got no answer from VPS.org, so whether it happened is not known yet (operation " + operation
                        + " shows how it ends: follow that operation)"
                : " did not happen (" + notDone.reason() + ": " + notDone.getMessage() + ")";
        return PlatformUnavailable.attemptEndedBeforeTheProvider("no room was made for the restore's safety snapshot: "
                + "the rotation's delete of snapshot " + victim + what + "; the restore was not stored, no safety "
                + "snapshot was asked for and VPS.org was not asked to restore; try again: the room is read again",
                retryAfter, notDone);
    }

    private Optional<Choice> chosen(TeamId team, ServerId server, ResourceRef reading) {
        if (!ownership.owns(team, server)) {
            return Optional.empty();
        }
        List<RecoveryPolicy> covering = covering(team, server);
        if (covering.isEmpty()) {
            return Optional.empty();
        }
        List<PolicyPoints.Point> listed = points.listed(PolicyKind.SNAPSHOT, server);
        return covering.stream()
                .flatMap(policy -> Rotation.oldestDropped(policy.spec().retention(), policy.spec().schedule().zone(),
                        readingHeld(points.candidates(policy, listed), reading), clock.instant())
                        .map(point -> new Choice(policy.atVersion(), point)).stream())
                .min(Comparator.comparing((Choice c) -> c.point().createdAt()).thenComparing(c -> c.point().point().id()));
    }

    /** The restore's source is held for it, as it will be once the restore is stored (ADR 0026). */
    private static List<RetentionCandidate> readingHeld(List<RetentionCandidate> candidates, ResourceRef reading) {
        return candidates.stream().map(c -> c.point().equals(reading) ? new RetentionCandidate(c.point(), c.createdAt(),
                c.completed(), c.maker(), true) : c).toList();
    }

    private List<RecoveryPolicy> covering(TeamId team, ServerId server) {
        List<RecoveryPolicy> found = new ArrayList<>();
        Optional<PolicyId> after = Optional.empty();
        List<RecoveryPolicy> page;
        do {
            page = policies.list(team, after, PAGE);
            page.stream().filter(p -> p.spec().kind() == PolicyKind.SNAPSHOT)
                    .filter(p -> p.spec().servers().allOwned() || p.spec().servers().listed().contains(server))
                    .forEach(found::add);
            after = page.isEmpty() ? after : Optional.of(page.get(page.size() - 1).id());
        } while (page.size() == PAGE);
        return found;
    }
}
