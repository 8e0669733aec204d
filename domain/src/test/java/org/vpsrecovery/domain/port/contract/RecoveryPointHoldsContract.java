package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldKind;
import org.vpsrecovery.domain.hold.HoldLimits;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.server.ServerId;

/** What every {@link RecoveryPointHolds} does, in memory or in PostgreSQL. */
public abstract class RecoveryPointHoldsContract {

    protected abstract RecoveryPointHolds emptyHolds();

    static final TeamId BLUE = new TeamId("blue");
    static final HoldActor TEAM = new HoldActor.Team(BLUE);
    static final HoldActor AUDITOR = new HoldActor.Auditor("compliance");
    static final ResourceRef SNAPSHOT = new ResourceRef(ResourceRef.Type.SNAPSHOT, 801);
    static final ResourceRef BACKUP = new ResourceRef(ResourceRef.Type.BACKUP, 499);
    static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");
    /** The servers BLUE owns: its holds are on the first. */
    static final java.util.Set<ServerId> SERVERS = java.util.Set.of(new ServerId(12345), new ServerId(12346));

    static RecoveryPointHold hold(HoldActor by, ResourceRef point, Instant at) {
        return RecoveryPointHold.place(new HoldId(UUID.randomUUID()), BLUE, new ServerId(12345), point,
                new HoldReason("incident 42 — keep"), by, at);
    }

    @Test
    void aPlacedHoldReadsBackAsPlacedAndIsActiveOnItsPointOnly() {
        RecoveryPointHolds holds = emptyHolds();
        RecoveryPointHold placed = hold(AUDITOR, SNAPSHOT, AT);
        holds.place(placed);

        assertThat(holds.find(placed.id())).contains(placed);
        assertThat(holds.activeOn(SNAPSHOT)).containsExactly(placed);
        assertThat(holds.activeOn(BACKUP)).isEmpty();
        assertThat(holds.heldAmong(List.of(SNAPSHOT, BACKUP))).containsExactly(SNAPSHOT);
        assertThat(holds.find(new HoldId(UUID.randomUUID()))).isEmpty();
    }

    @Test
    void aReleaseIsWrittenOnceAndTheHoldStaysListedAsReleased() {
        RecoveryPointHolds holds = emptyHolds();
        RecoveryPointHold older = hold(TEAM, SNAPSHOT, AT);
        RecoveryPointHold newer = hold(TEAM, SNAPSHOT, AT.plusSeconds(60));
        holds.place(older);
        holds.place(newer);

        RecoveryPointHold released = older.releasedBy(TEAM, AT.plusSeconds(120));
        assertThat(holds.release(released)).isTrue();
        assertThat(holds.release(older.releasedBy(TEAM, AT.plusSeconds(180)))).isFalse();

        assertThat(holds.find(older.id())).contains(released);
        assertThat(holds.page(SNAPSHOT, Optional.empty(), 10)).containsExactly(newer, released);
        assertThat(holds.activeOn(SNAPSHOT)).containsExactly(newer);
        assertThat(holds.release(newer.releasedBy(TEAM, AT.plusSeconds(240)))).isTrue();
        assertThat(holds.heldAmong(List.of(SNAPSHOT))).isEmpty();
    }

    @Test
    void aHoldIdIsPlacedOnce() {
        RecoveryPointHolds holds = emptyHolds();
        RecoveryPointHold placed = hold(TEAM, BACKUP, AT);
        holds.place(placed);
        assertThatThrownBy(() -> holds.place(placed)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void aPlacementPastThePointsOrTheTeamsActiveHoldsOfItsKindStoresNothing() {
        RecoveryPointHolds holds = emptyHolds();
        HoldLimits limits = new HoldLimits(2, 3);
        ResourceRef other = new ResourceRef(ResourceRef.Type.SNAPSHOT, 802);
        assertThat(holds.placeWithin(hold(TEAM, SNAPSHOT, AT), limits, SERVERS)).isTrue();
        RecoveryPointHold second = hold(TEAM, SNAPSHOT, AT.plusSeconds(1));
        assertThat(holds.placeWithin(second, limits, SERVERS)).isTrue();

        RecoveryPointHold pastThePoint = hold(TEAM, SNAPSHOT, AT.plusSeconds(2));
        assertThat(holds.placeWithin(pastThePoint, limits, SERVERS)).isFalse();
        assertThat(holds.find(pastThePoint.id())).isEmpty();
        // Counted by kind: the team's holds never keep a legal hold out.
        assertThat(holds.placeWithin(hold(AUDITOR, SNAPSHOT, AT.plusSeconds(3)), limits, SERVERS)).isTrue();
        assertThat(holds.placeWithin(hold(TEAM, other, AT.plusSeconds(4)), limits, SERVERS)).isTrue();
        assertThat(holds.placeWithin(hold(TEAM, BACKUP, AT.plusSeconds(5)), limits, SERVERS)).isFalse();
        assertThat(holds.activeCountOn(SERVERS, HoldKind.TEAM)).isEqualTo(3);
        assertThat(holds.activeCountOn(SERVERS, HoldKind.LEGAL)).isEqualTo(1);

        // A released hold no longer counts.
        assertThat(holds.release(second.releasedBy(TEAM, AT.plusSeconds(6)))).isTrue();
        assertThat(holds.placeWithin(hold(TEAM, BACKUP, AT.plusSeconds(7)), limits, SERVERS)).isTrue();
    }

    /**
     * A team's holds count on the servers it owns now: once a teams-file move gave one away, the holds on it, which the
     * team can no longer see or release, no longer take its room (ADR 0029, amended in session 48).
     */
    @Test
    void aTeamsHoldsOnAServerItNoLongerOwnsNoLongerCountForIt() {
        RecoveryPointHolds holds = emptyHolds();
        HoldLimits limits = new HoldLimits(2, 2);
        assertThat(holds.placeWithin(hold(TEAM, SNAPSHOT, AT), limits, SERVERS)).isTrue();
        assertThat(holds.placeWithin(hold(TEAM, new ResourceRef(ResourceRef.Type.SNAPSHOT, 802), AT.plusSeconds(1)),
                limits, SERVERS)).isTrue();
        RecoveryPointHold onItsOtherServer = RecoveryPointHold.place(new HoldId(UUID.randomUUID()), BLUE,
                new ServerId(12346), BACKUP, new HoldReason("after the move"), TEAM, AT.plusSeconds(2));
        assertThat(holds.placeWithin(onItsOtherServer, limits, SERVERS)).isFalse();

        java.util.Set<ServerId> afterTheMove = java.util.Set.of(new ServerId(12346));
        assertThat(holds.activeCountOn(afterTheMove, HoldKind.TEAM)).isZero();
        assertThat(holds.placeWithin(onItsOtherServer, limits, afterTheMove)).isTrue();
        assertThat(holds.activeCountOn(SERVERS, HoldKind.TEAM)).isEqualTo(3);
    }

    /**
     * The holds on the servers a team owns now count for it whoever they were placed for: BLUE's two holds on 12345,
     * placed before a teams-file move gave that server to GREEN, fill GREEN's room, so moving a server in does not take
     * a team past its limit; a release of one makes room (ADR 0029, amended in session 49).
     */
    @Test
    void theHoldsThatCameWithAMovedServerCountForItsNewOwner() {
        RecoveryPointHolds holds = emptyHolds();
        HoldLimits limits = new HoldLimits(2, 2);
        RecoveryPointHold broughtIn = hold(TEAM, SNAPSHOT, AT);
        assertThat(holds.placeWithin(broughtIn, limits, SERVERS)).isTrue();
        assertThat(holds.placeWithin(hold(TEAM, new ResourceRef(ResourceRef.Type.SNAPSHOT, 802), AT.plusSeconds(1)),
                limits, SERVERS)).isTrue();
        TeamId green = new TeamId("green");
        HoldActor greenTeam = new HoldActor.Team(green);
        java.util.Set<ServerId> greensAfterTheMove = java.util.Set.of(new ServerId(12345), new ServerId(23456));
        RecoveryPointHold greensOwn = RecoveryPointHold.place(new HoldId(UUID.randomUUID()), green, new ServerId(23456),
                new ResourceRef(ResourceRef.Type.SNAPSHOT, 803), new HoldReason("its own"), greenTeam, AT.plusSeconds(2));

        assertThat(holds.activeCountOn(greensAfterTheMove, HoldKind.TEAM)).isEqualTo(2);
        assertThat(holds.placeWithin(greensOwn, limits, greensAfterTheMove)).isFalse();
        assertThat(holds.find(greensOwn.id())).isEmpty();

        assertThat(holds.release(broughtIn.releasedBy(greenTeam, green, AT.plusSeconds(3)))).isTrue();
        assertThat(holds.placeWithin(greensOwn, limits, greensAfterTheMove)).isTrue();
        assertThat(holds.activeCountOn(greensAfterTheMove, HoldKind.TEAM)).isEqualTo(2);
    }

    @Test
    void holdsArePagedNewestFirstAfterTheGivenHold() {
        RecoveryPointHolds holds = emptyHolds();
        List<RecoveryPointHold> placed = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RecoveryPointHold h = hold(TEAM, SNAPSHOT, AT.plusSeconds(i));
            holds.place(h);
            placed.add(0, h);
        }
        holds.place(hold(TEAM, BACKUP, AT));

        List<RecoveryPointHold> first = holds.page(SNAPSHOT, Optional.empty(), 2);
        List<RecoveryPointHold> second = holds.page(SNAPSHOT, Optional.of(first.get(1).id()), 2);
        List<RecoveryPointHold> last = holds.page(SNAPSHOT, Optional.of(second.get(1).id()), 2);

        assertThat(first).containsExactlyElementsOf(placed.subList(0, 2));
        assertThat(second).containsExactlyElementsOf(placed.subList(2, 4));
        assertThat(last).containsExactlyElementsOf(placed.subList(4, 5));
        assertThat(holds.page(SNAPSHOT, Optional.of(last.get(0).id()), 2)).isEmpty();
    }
}
