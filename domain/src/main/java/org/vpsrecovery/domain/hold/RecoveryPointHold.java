package org.vpsrecovery.domain.hold;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * A hold on one snapshot or backup: while it is not released, nobody deletes the point (retention
 * included: {@link RecoveryPointHeldPolicy}). {@code team} owns the point's server; {@code placedBy} is
 * that team, or an auditor for a {@link HoldKind#LEGAL legal} hold.
 */
public record RecoveryPointHold(HoldId id, TeamId team, ServerId server, ResourceRef point, HoldKind kind,
                                HoldReason reason, HoldActor placedBy, Instant placedAt, Optional<Release> release) {

    /** Who ended the hold, and when. */
    public record Release(HoldActor by, Instant at) {
        public Release {
            Objects.requireNonNull(by, "by");
            Objects.requireNonNull(at, "at");
        }
    }

    public RecoveryPointHold {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(placedBy, "placed by");
        Objects.requireNonNull(placedAt, "placed at");
        Objects.requireNonNull(release, "release");
        if (placedBy.places() != kind) {
            throw new IllegalArgumentException("a " + kind.wireName() + " hold is not placed by " + placedBy.wireName());
        }
        if (placedBy instanceof HoldActor.Team t && !t.team().equals(team)) {
            throw new IllegalArgumentException("a team holds only its own points");
        }
        if (release.filter(r -> r.at().isBefore(placedAt)).isPresent()) {
            throw new IllegalArgumentException("a hold is released after it is placed");
        }
    }

    /** A new hold, in force from {@code at}. */
    public static RecoveryPointHold place(HoldId id, TeamId team, ServerId server, ResourceRef point, HoldReason reason,
                                          HoldActor by, Instant at) {
        return new RecoveryPointHold(id, team, server, point, by.places(), reason, by, at, Optional.empty());
    }

    public boolean isActive() {
        return release.isEmpty();
    }

    /**
     * Who may end it: the team its own hold, an auditor a legal one. A legal hold refused to a team is
     * {@code LEGAL_HOLD_NOT_RELEASABLE}; a team's hold refused to an auditor is {@code FORBIDDEN_FOR_ROLE}
     * (auditors act on legal holds only); a released one is {@code HOLD_ALREADY_RELEASED}.
     */
    public Decision releasableBy(HoldActor actor) {
        return releasableBy(actor, team);
    }

    /**
     * The same rule, a team's hold releasable by {@code serversOwner}: the team that owns the hold's server now, which
     * after a teams-file move is no longer the team the hold was placed for (the point is the new owner's to delete).
     * A refusal is filed under {@code serversOwner}, so it names who released the hold as that team is told it, whoever
     * asked: an auditor's refusal is in the new owner's history too (ADR 0029, amended in session 48).
     */
    public Decision releasableBy(HoldActor actor, TeamId serversOwner) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(serversOwner, "servers owner");
        if (!isActive()) {
            return Decision.deny(ReasonCode.HOLD_ALREADY_RELEASED, "hold " + id + " was released at "
                    + release.get().at() + " by " + actorNamedIn(release.get().by(), serversOwner));
        }
        return switch (kind) {
            case LEGAL -> actor instanceof HoldActor.Auditor ? Decision.allow()
                    : Decision.deny(ReasonCode.LEGAL_HOLD_NOT_RELEASABLE, "hold " + id
                            + " is a legal hold placed by an auditor; only an auditor releases it");
            case TEAM -> actor instanceof HoldActor.Team t && t.team().equals(serversOwner) ? Decision.allow()
                    : Decision.deny(ReasonCode.FORBIDDEN_FOR_ROLE, "hold " + id
                            + " is the team's own hold; auditors place and release legal holds only");
        };
    }

    /**
     * Who placed or released a hold, as {@code asker} is told it: an auditor is told everyone; a team its own name and
     * the auditors', but never another team's (empty). A team sees only the holds on its own servers, so another team
     * that acted on one was the server's owner before a teams-file move: as a restore held by that owner shows its
     * window, not whose restore it is (ADR 0026), the hold shows what it does, not who the former owner was (ADR 0029,
     * amended in session 48).
     */
    public static Optional<HoldActor> actorToldTo(HoldActor actor, HoldActor asker) {
        Objects.requireNonNull(actor, "actor");
        return switch (asker) {
            case HoldActor.Auditor auditor -> Optional.of(actor);
            case HoldActor.Team team -> actor instanceof HoldActor.Team acting && !acting.equals(team)
                    ? Optional.empty() : Optional.of(actor);
        };
    }

    /**
     * Who placed or released a hold, named in an event filed under {@code team}: as {@link #actorToldTo} tells that team,
     * whoever the event's caller (an auditor is told everyone, the team's history is not); another team is "the server's
     * former owner" (ADR 0029, amended in session 48).
     */
    public static String actorNamedIn(HoldActor actor, TeamId team) {
        return actorToldTo(actor, new HoldActor.Team(team)).map(HoldActor::wireName).orElse("the server's former owner");
    }

    /** The team the hold was placed for, told to an auditor or to that team only (see {@link #actorToldTo}). */
    public Optional<TeamId> teamToldTo(HoldActor asker) {
        return placedForAnotherTeamThan(asker) ? Optional.empty() : Optional.of(team);
    }

    /**
     * The reason, told to an auditor or to the team the hold was placed for only: it is that team's free text (an
     * incident, a customer), and the server's new owner judges a release by the hold's kind, age and state. The whole
     * truth stays in the audit history, in the placing's event filed under that team.
     */
    public Optional<HoldReason> reasonToldTo(HoldActor asker) {
        return placedForAnotherTeamThan(asker) ? Optional.empty() : Optional.of(reason);
    }

    private boolean placedForAnotherTeamThan(HoldActor asker) {
        return asker instanceof HoldActor.Team t && !t.team().equals(team);
    }

    /** The released hold; the rule of {@link #releasableBy} first. */
    public RecoveryPointHold releasedBy(HoldActor actor, Instant at) {
        return releasedBy(actor, team, at);
    }

    /**
     * The released hold; the rule of {@link #releasableBy(HoldActor, TeamId)} first. Released at {@code at}, or at the
     * placing if {@code at} is earlier: the hold may have been placed on another instance whose clock runs ahead. It
     * was in force once placed, so it cannot have ended before; as {@code Drift.resolved}, the earliest time both
     * records allow (refused here, the release's attempt took the refusal for a store failure: ADR 0029, session 47).
     */
    public RecoveryPointHold releasedBy(HoldActor actor, TeamId serversOwner, Instant at) {
        releasableBy(actor, serversOwner).orThrow();
        Instant notBeforePlacing = at.isBefore(placedAt) ? placedAt : at;
        return new RecoveryPointHold(id, team, server, point, kind, reason, placedBy, placedAt,
                Optional.of(new Release(actor, notBeforePlacing)));
    }
}
