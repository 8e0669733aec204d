package org.vpsrecovery.application.restore;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.attempt.TrackingDeadlines;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.RecoveryLimits;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.port.TeamLimits;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.domain.snapshot.SnapshotQuota;

/**
 * A safety snapshot before a restore (ADR 0029, Decision 3). The request side: whether one applies,
 * whether there is room for it, and storing the waiting restore, then taking the snapshot through the
 * ordinary create. The snapshot's operation id is derived from the restore's, so the continuation
 * finds it from stored state alone (nothing is kept in memory across the wait).
 */
public final class SafetySnapshots {

    /** Values of {@link AuditEvent#SAFETY_SNAPSHOT}. */
    public static final String PENDING = "pending";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";
    /** The safety snapshot's name begins so; the restore's whole id follows. */
    public static final String NAME_PREFIX = "vpsr-safety-";
    /** The name a plan gives the room check's verdict. */
    public static final String ROOM_POLICY = "SafetySnapshotRoom";

    private final SafetySnapshotSettings settings;
    private final SafetySnapshotRotation rotation;
    private final SafetySnapshotTaker taker;
    private final SnapshotProvider snapshots;
    private final TeamLimits limits;
    private final RecoveryOperations operations;
    private final AuditWriter writer;
    private final TrackingDeadlines deadlines;
    private final Clock clock;

    public SafetySnapshots(SafetySnapshotSettings settings, SafetySnapshotRotation rotation, SafetySnapshotTaker taker,
                           SnapshotProvider snapshots, TeamLimits limits, RecoveryOperations operations,
                           AuditWriter writer, TrackingDeadlines deadlines, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.rotation = Objects.requireNonNull(rotation, "rotation");
        this.taker = Objects.requireNonNull(taker, "taker");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.deadlines = Objects.requireNonNull(deadlines, "deadlines");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether a restore of {@code team} takes one: the team's setting is on and the caller did not skip it. */
    public boolean applies(TeamId team, boolean skipped) {
        return !skipped && settings.takesSafetySnapshot(team);
    }

    /** Room for the safety snapshot as a plan sees it: the decision, and the snapshot that would go for it. */
    public record Room(Decision decision, Optional<SnapshotId> rotated) {
    }

    /**
     * Whether {@code server} has room for one more snapshot; at the limit, whether the rotation seam would
     * make room, and which snapshot would go; when it cannot, or the server is over its limit so that one would not be
     * enough, {@code SAFETY_SNAPSHOT_LIMIT_REACHED}.
     * Reads only: a plan's question, unlocked.
     */
    public Room room(TeamId team, ServerId server, ResourceRef reading) {
        return checked(team, server, (t, s) -> rotation.choose(t, s, reading));
    }

    /** As {@link #room}, but at the limit the snapshot goes: under the restore's lock, when it is requested. */
    Decision roomMade(TeamId team, ServerId server, ResourceRef reading) {
        return checked(team, server, (t, s) -> rotation.makeRoom(t, s, reading)).decision();
    }

    private Room checked(TeamId team, ServerId server, BiFunction<TeamId, ServerId, Optional<SnapshotId>> rotated) {
        List<Snapshot> onServer = snapshots.listSnapshots(Optional.of(server));
        RecoveryLimits teamLimits = limits.limitsFor(team);
        Decision quota = SnapshotQuota.evaluate(server, onServer, teamLimits);
        if (quota instanceof Decision.Denied full) {
            long toFree = SnapshotQuota.toFree(server, onServer, teamLimits);
            if (toFree > 1) {
                // Over the limit (lowered, the server moved from another team, snapshots made at VPS.org): one rotation
                // makes no room, so none is chosen nor deleted; the deleted snapshot was lost for a restore that then
                // failed SAFETY_SNAPSHOT_FAILED (ADR 0029, amended in session 48).
                return new Room(Decision.deny(ReasonCode.SAFETY_SNAPSHOT_LIMIT_REACHED, "no room for the restore's "
                        + "safety snapshot: " + full.detail() + "; " + toFree + " snapshots would have to go before one "
                        + "more fits and a rotation deletes one, so none was deleted; delete some, or restore with "
                        + "skip_safety_snapshot=true"), Optional.empty());
            }
            Optional<SnapshotId> gone = rotated.apply(team, server);
            if (gone.isPresent()) {
                return new Room(Decision.allow(), gone);
            }
            return new Room(Decision.deny(ReasonCode.SAFETY_SNAPSHOT_LIMIT_REACHED, "no room for the restore's safety "
                    + "snapshot: " + full.detail() + "; no policy's retention lets one of its snapshots go; delete "
                    + "one, or restore with skip_safety_snapshot=true"), Optional.empty());
        }
        return new Room(quota, Optional.empty());
    }

    /** The safety snapshot's operation id: derived from the restore's, so stored state finds it. */
    public static OperationId operationOf(OperationId restore) {
        return new OperationId(UUID.nameUUIDFromBytes(("safety-snapshot:" + restore).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * {@code vpsr-safety-} and the restore's whole id (48 characters, within {@link SnapshotName#RULE}). Its first
     * eight characters alone were the top of a version 7 id's timestamp, the same for every restore within about 65 s,
     * whatever its team or server; the whole id is the restore's own and names it (ADR 0029, amended in session 42).
     */
    public static SnapshotName nameFor(OperationId restore) {
        return new SnapshotName(NAME_PREFIX + restore);
    }

    /**
     * Under the restore's lock(s): {@code check} (the restore's policies), then room for the snapshot;
     * then the intent and the waiting restore are stored, and the snapshot is asked for through the
     * ordinary create in the same hold (it finds the lock held), so no other create takes the room
     * found or made for it. If the create is refused or fails at once, the restore ends FAILED now;
     * otherwise (taken, or its answer lost) the continuation follows it.
     */
    public RecoveryOperation request(AuditedAttempts.Attempt attempt, CallContext context, Operation kind,
                                     ServerId server, ResourceRef source, Optional<ServerId> sourceServer,
                                     Supplier<Decision> check) {
        OperationId safety = operationOf(context.operationId());
        Duration wait = deadlines.of(Operation.CREATE_SNAPSHOT).plus(deadlines.of(kind));
        return attempt.runAfterSafetySnapshot(
                () -> {
                    Decision room = check.get().and(() -> roomMade(context.team(), server, source));
                    // Only a restore that goes on waits for a safety snapshot: a refused one (or one whose room could not
                    // be made now) names none, since none is ever asked for (ADR 0029, amended in session 48).
                    if (room.isAllowed()) {
                        attempt.detail(AuditEvent.SAFETY_SNAPSHOT, PENDING)
                                .detail(AuditEvent.SAFETY_SNAPSHOT_OPERATION_ID, safety.toString());
                    }
                    return room;
                },
                // To the microsecond, as the row and the intent keep it: the 202 answers the instant a read gives back.
                ctx -> RecoveryOperation.awaitingSafetySnapshot(ctx.operationId(), ctx.team(), ctx.requestId(), kind,
                        server, source, sourceServer, AuditChain.storedInstant(clock.instant()), wait),
                waiting -> taken(waiting, context, server));
    }

    private RecoveryOperation taken(RecoveryOperation waiting, CallContext context, ServerId server) {
        try {
            taker.take(new CallContext(context.team(), context.requestId(), operationOf(context.operationId()),
                    context.actor()), waiting.id(), server, nameFor(context.operationId()),
                    new Description("safety snapshot before restore " + context.operationId()));
        } catch (RecoveryException refused) {
            if (refused instanceof ProviderFailure lost && lost.outcomeUnknown()) {
                // VPS.org may have made it: the create is on record UNRESOLVED and the tracker follows it to its end (found
                // and completed, or not made), which the continuation waits for. Failing the restore now would contradict
                // that record, and a snapshot found later would be an orphan taking the server's room.
                return waiting;
            }
            // The create audited its own refusal or failure; the restore says why it will not run.
            try {
                if (refused.reason() == ReasonCode.SERVER_LOCK_LOST) {
                    // Not the snapshot's fault: the restore's own lock is gone, so neither may call VPS.org now.
                    return refuse(waiting, ReasonCode.SERVER_LOCK_LOST, FAILED, "the safety snapshot was not taken, "
                            + "VPS.org was not called: " + refused.getMessage(), context.actor()).orElse(waiting);
                }
                return fail(waiting, "the safety snapshot was not taken: " + refused.getMessage(), context.actor())
                        .orElse(waiting);
            } catch (RuntimeException storeDown) {
                // Not ended now: the continuation finds the create ended and fails the restore then.
                return waiting;
            }
        } catch (RuntimeException unexpected) {
            // A fault around the create's call: it is audited unresolved (VPS.org may have made it) and its operation
            // followed to its end, which the continuation waits for. The restore is stored: it is answered waiting.
        }
        return waiting;
    }

    /**
     * Ends a waiting restore FAILED SAFETY_SNAPSHOT_FAILED (audited; a webhook goes out as for any
     * failure). Empty when someone else moved it first.
     */
    public Optional<RecoveryOperation> fail(RecoveryOperation waiting, String why) {
        return fail(waiting, why, Actor.SYSTEM);
    }

    /** {@link #fail(RecoveryOperation, String)} on behalf of {@code actor}: the caller, when a request fails it at once. */
    Optional<RecoveryOperation> fail(RecoveryOperation waiting, String why, Actor actor) {
        RecoveryOperation failed = waiting.safetySnapshotFailed(clock.instant(), why);
        if (!operations.update(waiting, failed)) {
            return Optional.empty();
        }
        String cause = why.length() <= Outcome.MAX_CAUSE_LENGTH ? why : why.substring(0, Outcome.MAX_CAUSE_LENGTH);
        writer.appendOrDefer(event(failed, new Outcome.Failed(ReasonCode.SAFETY_SNAPSHOT_FAILED, cause), FAILED, why, actor));
        return Optional.of(failed);
    }

    /**
     * Ends a waiting restore FAILED with {@code reason}, its safety snapshot recorded as {@code safetyState}: a
     * refusal that is not the snapshot's fault (the server is no longer the team's, the restore's re-check refused it).
     * Empty when someone else moved it first.
     */
    Optional<RecoveryOperation> refuse(RecoveryOperation waiting, ReasonCode reason, String safetyState, String why) {
        return refuse(waiting, reason, safetyState, why, Actor.SYSTEM);
    }

    private Optional<RecoveryOperation> refuse(RecoveryOperation waiting, ReasonCode reason, String safetyState,
                                               String why, Actor actor) {
        RecoveryOperation failed = waiting.safetySnapshotFailed(clock.instant(), reason + ": " + why);
        if (!operations.update(waiting, failed)) {
            return Optional.empty();
        }
        String cause = why.length() <= Outcome.MAX_CAUSE_LENGTH ? why : why.substring(0, Outcome.MAX_CAUSE_LENGTH);
        writer.appendOrDefer(event(failed, new Outcome.Failed(reason, cause), safetyState, why, actor));
        return Optional.of(failed);
    }

    /** An event of the restore {@code restore}, in the words of its safety snapshot's state. */
    AuditEvent event(RecoveryOperation restore, Outcome outcome, String safetyState, String message) {
        return event(restore, outcome, safetyState, message, Actor.SYSTEM); // the continue-restores job writes these
    }

    private AuditEvent event(RecoveryOperation restore, Outcome outcome, String safetyState, String message, Actor actor) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put(AuditEvent.ATTEMPT_ID, restore.id().toString());
        detail.put(AuditEvent.SAFETY_SNAPSHOT, safetyState);
        detail.put(AuditEvent.SAFETY_SNAPSHOT_OPERATION_ID, operationOf(restore.id()).toString());
        detail.put(AuditEvent.MESSAGE, AuditEvent.detailValue(message));
        actor.into(detail);
        return new AuditEvent(clock.instant(), restore.team(), restore.requestId(), restore.kind(),
                Optional.of(restore.server()), restore.resource(), outcome, OptionalInt.empty(), detail);
    }
}
