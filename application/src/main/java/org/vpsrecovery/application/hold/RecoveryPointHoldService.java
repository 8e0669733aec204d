package org.vpsrecovery.application.hold;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.AccessDenied;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldLimits;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.port.TeamDirectory;
import org.vpsrecovery.domain.server.ServerId;

/**
 * Holds on snapshots and backups (ADR 0029). A hold is placed and released under the point's own
 * server lock, the lock every delete of that point takes to check it: a delete either sees the hold,
 * or ran entirely before the placement, which then finds the point gone. Both are the platform's own
 * changes ({@code Attempt.runHere}): audited intent then outcome, nothing asked of VPS.org.
 *
 * <p>A team holds its own points; an auditor places legal holds on any governed point. Events are
 * filed under the owning team (the actor in the detail): they are about that team's server.
 */
public final class RecoveryPointHoldService implements RecoveryPointHoldsUseCase {

    private final SnapshotProvider snapshots;
    private final BackupProvider backups;
    private final ServerOwnership ownership;
    private final TeamDirectory teams;
    private final RecoveryPointHolds holds;
    private final RecoveryOperations operations;
    private final AuditedAttempts attempts;
    private final Clock clock;
    private final HoldLimits limits;

    public RecoveryPointHoldService(SnapshotProvider snapshots, BackupProvider backups, ServerOwnership ownership,
                                    TeamDirectory teams, RecoveryPointHolds holds, RecoveryOperations operations,
                                    AuditedAttempts attempts, Clock clock) {
        this(snapshots, backups, ownership, teams, holds, operations, attempts, clock, HoldLimits.DEFAULTS);
    }

    public RecoveryPointHoldService(SnapshotProvider snapshots, BackupProvider backups, ServerOwnership ownership,
                                    TeamDirectory teams, RecoveryPointHolds holds, RecoveryOperations operations,
                                    AuditedAttempts attempts, Clock clock, HoldLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.backups = Objects.requireNonNull(backups, "backups");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.teams = Objects.requireNonNull(teams, "teams");
        this.holds = Objects.requireNonNull(holds, "holds");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private static boolean isDelete(Operation kind) {
        return kind == Operation.DELETE_SNAPSHOT || kind == Operation.DELETE_BACKUP;
    }

    /** Where a point is: its server, and the team that owns the server. */
    private record Located(TeamId team, ServerId server) {
    }

    @Override
    public RecoveryPointHold placeHold(PlaceHoldCommand command) {
        HoldCaller caller = command.caller();
        ResourceRef point = command.point();
        // One bound for both look-ups: together within one list's time, as the key's lease counts (ADR 0010).
        ConsistentListBound lookUps = ConsistentListBound.oneDeadlineForARequest();
        Located located = locate(caller, Operation.PLACE_RECOVERY_POINT_HOLD, point, lookUps);
        // Read once: the early count, the insert's count and the refusal's words count the same servers.
        java.util.Set<ServerId> teamsServers = ownership.serversOf(located.team());
        var attempt = attempts.attempt(context(caller, located.team()), Operation.PLACE_RECOVERY_POINT_HOLD)
                .about(point).onServer(located.server())
                .detail(AuditEvent.ACTOR, caller.actor().wireName())
                .detail(AuditEvent.HOLD_ID, caller.operationId().toString())
                .detail(AuditEvent.HOLD_KIND, caller.actor().places().wireName())
                .detail(AuditEvent.HOLD_REASON, command.reason().value());
        RecoveryPointHold hold = RecoveryPointHold.place(new HoldId(caller.operationId().value()), located.team(),
                located.server(), point, command.reason(), caller.actor(), clock.instant());
        return attempt.runHere(
                () -> {
                    // Read under the lock: a delete that went first leaves nothing to hold.
                    if (locateOn(located.server(), point, lookUps).isEmpty()) {
                        throw notFound(point);
                    }
                    // A delete asked of VPS.org and not yet seen to its end: the point is on its way out. One
                    // waiting for approval is not (ADR 0040): a hold now makes its run refuse it.
                    Optional<RecoveryOperation> deleting = operations.about(List.of(point)).stream()
                            .filter(o -> !o.isFinal() && !o.isHeldForApproval() && isDelete(o.kind())).findFirst();
                    if (deleting.isPresent()) {
                        // Another team's operation (the server's former owner's) is not named (session 51).
                        boolean theirs = !(caller.actor() instanceof HoldActor.Team placer)
                                || placer.team().equals(deleting.get().team());
                        return Decision.deny(ReasonCode.RECOVERY_POINT_BEING_DELETED, point.type().name()
                                .toLowerCase(java.util.Locale.ROOT) + " " + point.id() + " is being deleted"
                                + (theirs ? " (operation " + deleting.get().id() + ")" : "")
                                + "; a point on its way out cannot be held");
                    }
                    // Counted early for a refusal before any intent; counted again in the insert (other servers' locks).
                    return withinLimits(hold, teamsServers);
                },
                () -> {
                    if (!holds.placeWithin(hold, limits, teamsServers)) {
                        throw withinLimits(hold, teamsServers) instanceof Decision.Denied full
                                ? new RecoveryDenied(full.reason(), full.detail())
                                : new RecoveryDenied(ReasonCode.HOLD_LIMIT_REACHED, "the hold limits were reached by "
                                        + "a placement meanwhile (at most " + limits.activePerPoint() + " active "
                                        + hold.kind().wireName() + " holds per recovery point, " + limits.activePerTeam()
                                        + " per team); release one first");
                    }
                    return hold;
                });
    }

    /**
     * Whether {@code hold} fits under the limits now (ADR 0029, amended in session 38): a script placing holds at its
     * team's rate would otherwise add rows, and a delete's check reads, without end. {@code teamsServers}: the servers
     * the hold's team owns now.
     */
    private Decision withinLimits(RecoveryPointHold hold, java.util.Set<ServerId> teamsServers) {
        long onPoint = holds.activeOn(hold.point()).stream().filter(h -> h.kind() == hold.kind()).count();
        if (onPoint >= limits.activePerPoint()) {
            return Decision.deny(ReasonCode.HOLD_LIMIT_REACHED, "a recovery point has at most " + limits.activePerPoint()
                    + " active " + hold.kind().wireName() + " holds; release one first");
        }
        // What the team holds now: the holds on the servers it owns, whoever they were placed for. Those that came with
        // a server a teams-file move gave it are its to see and release, so they take its room; those on a server it
        // gave away no longer do (ADR 0029, amended in sessions 48 and 49).
        if (holds.activeCountOn(teamsServers, hold.kind()) >= limits.activePerTeam()) {
            return Decision.deny(ReasonCode.HOLD_LIMIT_REACHED, "a team has at most " + limits.activePerTeam()
                    + " active " + hold.kind().wireName() + " holds on its servers, those placed before a server came "
                    + "to it included; release one first");
        }
        return Decision.allow();
    }

    @Override
    public boolean wasPlaced(HoldId id) {
        return holds.find(id).isPresent();
    }

    /** The hold as stored, released or not (an approved release looks whether it was applied already, ADR 0043). */
    public Optional<RecoveryPointHold> find(HoldId id) {
        return holds.find(id);
    }

    /**
     * A stored hold and the team its server is owned by, read once per request: its visibility, the check, the release
     * and the team its events are filed under all follow that one reading, so a teams-file reload in between cannot
     * check against one owner and file under another (ADR 0029, amended in session 49).
     */
    private record OwnedHold(RecoveryPointHold hold, Optional<TeamId> serversOwner) {

        /**
         * The team the hold is about now: its server's owner, which a teams-file move changes (the hold's own team is
         * who it was placed for). The new owner sees, releases and is audited for it, as for the point itself; the
         * former owner no longer sees it. A server no team owns any more is no team's: its holds are seen by auditors
         * only, and filed under the hold's own team.
         */
        TeamId owner() {
            return serversOwner.orElse(hold.team());
        }

        boolean visibleTo(HoldActor actor) {
            return switch (actor) {
                case HoldActor.Team team -> serversOwner.filter(team.team()::equals).isPresent();
                case HoldActor.Auditor auditor -> true;
            };
        }
    }

    @Override
    public RecoveryPointHold releaseHold(ReleaseHoldCommand command) {
        HoldCaller caller = command.caller();
        OwnedHold found = visibleHold(command);
        var attempt = releaseAttempt(command, found);
        return attempt.runHere(
                () -> releasable(caller.actor(), found),
                () -> {
                    RecoveryPointHold released = found.hold().releasedBy(caller.actor(), found.owner(), clock.instant());
                    if (!holds.release(released)) {
                        throw new RecoveryDenied(ReasonCode.HOLD_ALREADY_RELEASED, "hold " + found.hold().id()
                                + " was released meanwhile");
                    }
                    return released;
                });
    }

    /**
     * Whether {@code command} would release its hold now, checked as {@link #releaseHold} checks it (not under the
     * point's lock: the release, when it comes, checks again): the hold found, and releasable by the caller; a
     * refusal is audited and thrown as the release would. For a release that waits for a second person (ADR 0043).
     */
    public RecoveryPointHold requireReleasable(ReleaseHoldCommand command) {
        OwnedHold found = visibleHold(command);
        Decision decision;
        try {
            decision = releasable(command.caller().actor(), found);
        } catch (AccessDenied never) {
            throw releaseAttempt(command, found).refuse(never);
        }
        if (decision instanceof Decision.Denied denied) {
            throw releaseAttempt(command, found).refuse(new RecoveryDenied(denied.reason(), denied.detail()));
        }
        return found.hold();
    }

    /**
     * The hold, found from the store, not VPS.org: a hold on a point gone at VPS.org is still released. Its server's
     * owner is read here, once, for the whole release.
     */
    private OwnedHold visibleHold(ReleaseHoldCommand command) {
        HoldCaller caller = command.caller();
        Optional<OwnedHold> stored = holds.find(command.hold()).filter(h -> h.point().equals(command.point()))
                .map(h -> new OwnedHold(h, ownerOf(h.server())))
                .filter(owned -> owned.visibleTo(caller.actor()));
        if (stored.isEmpty() && caller.actor() instanceof HoldActor.Team team) {
            throw attempts.attempt(context(caller, team.team()), Operation.RELEASE_RECOVERY_POINT_HOLD)
                    .about(command.point()).detail(AuditEvent.ACTOR, caller.actor().wireName())
                    .refuse(holdNotFound(command.hold()));
        }
        return stored.orElseThrow(() -> holdNotFound(command.hold()));
    }

    private AuditedAttempts.Attempt releaseAttempt(ReleaseHoldCommand command, OwnedHold owned) {
        HoldCaller caller = command.caller();
        RecoveryPointHold found = owned.hold();
        TeamId filedUnder = owned.owner();
        var attempt = attempts.attempt(context(caller, filedUnder), Operation.RELEASE_RECOVERY_POINT_HOLD)
                .about(found.point()).onServer(found.server())
                .detail(AuditEvent.ACTOR, caller.actor().wireName())
                .detail(AuditEvent.HOLD_ID, found.id().toString())
                .detail(AuditEvent.HOLD_KIND, found.kind().wireName());
        // A hold placed for the server's former owner: its reason is that team's, kept in its placing's event, not
        // copied into the new owner's history. Told as to the team the events are filed under, not to the caller: an
        // auditor is told everything, that history is not (ADR 0029, amended in session 48).
        found.reasonToldTo(new HoldActor.Team(filedUnder))
                .ifPresent(reason -> attempt.detail(AuditEvent.HOLD_REASON, reason.value()));
        command.requestedBy().ifPresent(requester -> attempt.detail(AuditEvent.REQUESTED_BY, requester.subject()));
        return attempt;
    }

    /**
     * The stored hold's rule for {@code actor}, its server owned as read for the request; a caller that may never release
     * it is refused 403 at once.
     */
    private Decision releasable(HoldActor actor, OwnedHold found) {
        RecoveryPointHold current = holds.find(found.hold().id()).orElseThrow(() -> holdNotFound(found.hold().id()));
        Decision decision = current.releasableBy(actor, found.owner());
        if (decision instanceof Decision.Denied denied && denied.reason() != ReasonCode.HOLD_ALREADY_RELEASED) {
            throw new AccessDenied(denied.reason(), denied.detail()); // 403: the caller may not, ever
        }
        return decision;
    }

    @Override
    public KeysetPage<RecoveryPointHold, HoldId> listHolds(HoldActor actor, ResourceRef point, Optional<HoldId> after, int limit) {
        RecoveryPointHolds.requirePage(limit);
        // A cursor that is not a visible hold on this point would page from nowhere: an empty page would read as the end.
        after.ifPresent(id -> holds.find(id).filter(h -> h.point().equals(point) && holdVisibleTo(actor, h))
                .orElseThrow(() -> new ResourceNotFound(ReasonCode.HOLD_NOT_FOUND,
                        "hold " + id + " (after) is not a hold on this recovery point; list again from the start")));
        // One visible hold more than shown says whether another page follows, so a last page exactly full has no next
        // (session 42). Holds the caller may not see (another team's, after a server changed teams) are skipped by
        // reading on; read in the store's pages, so a limit of MAX_PAGE reads MAX_PAGE, then the one more. Holds are
        // never deleted (a released one stays listed), so a read after the last one read never pages from nowhere.
        List<RecoveryPointHold> visible = new java.util.ArrayList<>();
        Optional<HoldId> cursor = after;
        while (visible.size() <= limit) {
            int asked = Math.min(limit + 1 - visible.size(), RecoveryPointHolds.MAX_PAGE);
            List<RecoveryPointHold> read = holds.page(point, cursor, asked);
            read.stream().filter(h -> holdVisibleTo(actor, h)).forEach(visible::add);
            if (read.size() < asked) {
                break;
            }
            cursor = Optional.of(read.getLast().id());
        }
        if (visible.isEmpty() && after.isEmpty()
                && locate(actor, point, ConsistentListBound.oneDeadlineForARequest()).isEmpty()) {
            throw notFound(point);
        }
        return KeysetPage.of(visible, limit, RecoveryPointHold::id);
    }

    /** The point at VPS.org and its owning team; a team's refusal (not its point) is audited like a missing one. */
    private Located locate(HoldCaller caller, Operation operation, ResourceRef point, ConsistentListBound bound) {
        if (caller.actor() instanceof HoldActor.Team team) {
            var refusable = attempts.attempt(context(caller, team.team()), operation).about(point)
                    .detail(AuditEvent.ACTOR, caller.actor().wireName());
            return refusable.lookUp(() -> locate(caller.actor(), point, bound))
                    .orElseThrow(() -> refusable.refuse(notFound(point)));
        }
        // An auditor asking for an unknown point: no team to file the refusal under, so it is only answered.
        return locate(caller.actor(), point, bound).orElseThrow(() -> notFound(point));
    }

    /**
     * The point's server and team. Missing from the account's list, the point is looked for again in that list read
     * consistently: a list joined from pages may leave out a point that is there (a false 404, ADR 0010). A team looks
     * among its own servers only, before that second read too, as {@code TeamSnapshots.find} does: another team's
     * point then costs the same reads as a missing one, so the time of a 404 does not tell them apart (ADR 0029,
     * amended in session 48). An auditor looks in the whole account.
     */
    private Optional<Located> locate(HoldActor actor, ResourceRef point, ConsistentListBound bound) {
        Predicate<ServerId> among = switch (actor) {
            case HoldActor.Team team -> ownership.serversOf(team.team())::contains;
            case HoldActor.Auditor auditor -> server -> true;
        };
        Optional<ServerId> server = serverOf(point, among, Optional.empty())
                .or(() -> serverOf(point, among, Optional.of(bound)));
        return server.flatMap(s -> ownerOf(s).filter(team -> visibleTo(actor, team)).map(team -> new Located(team, s)));
    }

    /**
     * The point's server, if it is {@code among} those looked at. {@code consistently}: the bound of the list read
     * consistently; empty: the ordinary list.
     */
    private Optional<ServerId> serverOf(ResourceRef point, Predicate<ServerId> among,
                                        Optional<ConsistentListBound> consistently) {
        return switch (point.type()) {
            case SNAPSHOT -> (consistently.isPresent()
                    ? snapshots.listSnapshotsConsistently(Optional.empty(), consistently.get())
                    : snapshots.listSnapshots(Optional.empty())).stream()
                    .filter(s -> s.id().value() == point.id()).map(s -> s.server().id()).filter(among).findFirst();
            case BACKUP -> (consistently.isPresent()
                    ? backups.listBackupsConsistently(Optional.empty(), Optional.empty(), consistently.get())
                    : backups.listBackups(Optional.empty(), Optional.empty())).stream()
                    .filter(b -> b.id().value() == point.id()).map(b -> b.server().id()).filter(among).findFirst();
        };
    }

    /** A fresh read of one server's points, for decisions taken under that server's lock; missing, read consistently. */
    private Optional<ServerId> locateOn(ServerId server, ResourceRef point, ConsistentListBound bound) {
        return listedOn(server, point, Optional.empty()) || listedOn(server, point, Optional.of(bound))
                ? Optional.of(server) : Optional.empty();
    }

    private boolean listedOn(ServerId server, ResourceRef point, Optional<ConsistentListBound> consistently) {
        return switch (point.type()) {
            case SNAPSHOT -> (consistently.isPresent()
                    ? snapshots.listSnapshotsConsistently(Optional.of(server), consistently.get())
                    : snapshots.listSnapshots(Optional.of(server))).stream().anyMatch(s -> s.id().value() == point.id());
            case BACKUP -> (consistently.isPresent()
                    ? backups.listBackupsConsistently(Optional.of(server), Optional.empty(), consistently.get())
                    : backups.listBackups(Optional.of(server), Optional.empty())).stream()
                    .anyMatch(b -> b.id().value() == point.id());
        };
    }

    private Optional<TeamId> ownerOf(ServerId server) {
        return teams.teams().stream().filter(team -> ownership.owns(team, server)).sorted(
                java.util.Comparator.comparing(TeamId::value)).findFirst();
    }

    private boolean holdVisibleTo(HoldActor actor, RecoveryPointHold hold) {
        return new OwnedHold(hold, ownerOf(hold.server())).visibleTo(actor);
    }

    private static boolean visibleTo(HoldActor actor, TeamId owner) {
        return switch (actor) {
            case HoldActor.Team team -> team.team().equals(owner);
            case HoldActor.Auditor auditor -> true;
        };
    }

    private static CallContext context(HoldCaller caller, TeamId team) {
        return new CallContext(team, caller.requestId(), caller.operationId(), caller.identity());
    }

    static ResourceNotFound notFound(ResourceRef point) {
        return point.type() == ResourceRef.Type.SNAPSHOT
                ? new ResourceNotFound(ReasonCode.SNAPSHOT_NOT_FOUND, "snapshot " + point.id() + " not found")
                : new ResourceNotFound(ReasonCode.BACKUP_NOT_FOUND, "backup " + point.id() + " not found");
    }

    static ResourceNotFound holdNotFound(HoldId id) {
        return new ResourceNotFound(ReasonCode.HOLD_NOT_FOUND, "hold " + id + " not found on this recovery point");
    }
}
