package org.vpsrecovery.application.recoverypoint.kind;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.RecoveryPointHeldPolicy;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.server.RestoreHold;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;

/**
 * One kind of recovery point, snapshots or backups ({@code I} its id, {@code P} the point), as the
 * deletes, the restores and their dry runs handle both alike: the team's lookup, the provider's
 * calls, the audit's words and the named policies. Written once for each kind (the team's snapshots,
 * the team's backups), so that the logic over them is written once.
 */
public interface RecoveryPoints<I, P> {

    Operation deleteOperation();

    Operation restoreOperation();

    ResourceRef ref(I id);

    I idOf(P point);

    ServerRef serverOf(P point);

    CreationStatus statusOf(P point);

    /**
     * Empty when the point is missing or belongs to another team: the two are never told apart. {@code bound}: how long
     * a consistent look-up may take, a request's for every look-up it makes (ADR 0010, amended in session 39).
     */
    Optional<P> find(TeamId team, I id, ConsistentListBound bound);

    /** A fresh read of one server's points, for decisions taken under that server's lock; {@code bound} as for find. */
    Optional<P> findOnServer(ServerId server, I id, ConsistentListBound bound);

    ResourceNotFound notFound(I id);

    /** The team's point, looked up for {@code attempt}: missing or another team's is refused as not found. */
    default P lookUp(AuditedAttempts.Attempt attempt, TeamId team, I id, ConsistentListBound bound) {
        return attempt.lookUp(() -> find(team, id, bound)).orElseThrow(() -> attempt.refuse(notFound(id)));
    }

    /** The domain policy {@link #deletable} applies, by which a plan names its verdict. */
    Class<?> deletionPolicy();

    /**
     * {@code restoreHolds}: the restore holds in force on any server; the one reading this point keeps it. {@code
     * asker}: the team deleting, told only what of a holding restore is its own (ADR 0026, amended in session 39).
     */
    Decision deletable(P point, Server server, Collection<RestoreHold> restoreHolds, TeamId asker);

    /** The domain policy {@link #restorable} applies. */
    Class<?> restorePolicy();

    /** {@code asker}: the team restoring, told only what of a restore holding the target is its own. */
    Decision restorable(P point, Server target, Instant now, TeamId asker);

    void delete(I id);

    /** Restores {@code target} from the point (a snapshot's target is always its own server). */
    RestoreStarted restore(ServerId target, I id);

    /**
     * The server a restore from a point on {@code source} overwrites: the point's own (its name known), or
     * another named by its id alone (the provider's answer names it).
     */
    static ServerRef restoreTarget(ServerRef source, ServerId target) {
        return source.id().equals(target) ? source : new ServerRef(target, "");
    }

    /**
     * The delete's policies, in the order the delete applies them: the real delete stops at the first
     * refusal (each reads only when those before it allowed), a plan shows every verdict. Both take
     * them from here, so the dry run cannot drift from the real call.
     */
    default List<PolicyCheck> deletionChecks(P point, ServerRef server, ServerStates servers, RecoveryPointHolds holds,
                                             TeamId asker) {
        ResourceRef ref = ref(idOf(point));
        return List.of(
                // Read under the server's lock in the real call: the restores reading this point, on any server.
                // The server's state and the holds on the point from one read (ADR 0120).
                new PolicyCheck(deletionPolicy(), () -> {
                    ServerStates.ServerAndHolds around = servers.currentAndHoldsOn(server, ref);
                    return deletable(point, around.server(), around.holds(), asker);
                }),
                // Read under the same lock a hold is placed under (ADR 0029).
                new PolicyCheck(RecoveryPointHeldPolicy.class, () -> RecoveryPointHeldPolicy.evaluate(ref, holds.activeOn(ref))));
    }

    /** The restore's policies, for the real restore and its plan alike; {@code target} the server overwritten. */
    default List<PolicyCheck> restoreChecks(P point, ServerRef target, ServerStates servers, Instant now, TeamId asker) {
        return List.of(new PolicyCheck(restorePolicy(), () -> restorable(point, servers.current(target), now, asker)));
    }
}
