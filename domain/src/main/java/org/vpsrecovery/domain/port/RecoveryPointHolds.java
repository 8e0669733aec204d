package org.vpsrecovery.domain.port;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldKind;
import org.vpsrecovery.domain.hold.HoldLimits;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The holds on snapshots and backups (ADR 0029). Writers call it under the point's server lock, so a
 * delete's check and a hold's placement on the same point never interleave.
 */
public interface RecoveryPointHolds {

    /** The most holds one page lists. */
    int MAX_PAGE = 500;

    /** Stores a new, active hold, whatever the counts (fixtures; a placement uses {@link #placeWithin}); its id is new. */
    void place(RecoveryPointHold hold);

    /**
     * Stores a new, active hold unless its point already has {@code limits.activePerPoint()} active holds of its kind,
     * or its team's servers {@code teamsServers} have {@code limits.activePerTeam()} (see {@link #activeCountOn}): then
     * nothing is stored and the answer is false. The counts hold across threads and instances of the hold's team
     * (placements on other servers of the team take other server locks).
     */
    boolean placeWithin(RecoveryPointHold hold, HoldLimits limits, Set<ServerId> teamsServers);

    /**
     * How many active holds of {@code kind} are on {@code servers}, whoever they were placed for. Given the servers a
     * team owns now, it is what the team holds now: the holds that came with a server a teams-file move gave it count
     * for it (it sees and releases them), those on a server it gave away no longer do (ADR 0029, amended in sessions
     * 48 and 49).
     */
    int activeCountOn(Set<ServerId> servers, HoldKind kind);

    /** Writes {@code released} over the stored hold only if that one is still active; false otherwise. */
    boolean release(RecoveryPointHold released);

    Optional<RecoveryPointHold> find(HoldId id);

    /**
     * The holds placed on {@code point}, active and released, newest first (placed, then id), at most {@code limit}
     * (1-{@value #MAX_PAGE}), after the hold {@code after} when given.
     */
    List<RecoveryPointHold> page(ResourceRef point, Optional<HoldId> after, int limit);

    /** The holds in force on {@code point}, newest first: at most {@link HoldLimits} of each kind. */
    List<RecoveryPointHold> activeOn(ResourceRef point);

    /** Which of {@code points} are held now (retention asks this before it lets anything go). */
    Set<ResourceRef> heldAmong(Collection<ResourceRef> points);

    static void requirePage(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_PAGE);
        }
    }
}
