package org.vpsrecovery.adapters.persistence.hold;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TeamLimitRaces;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldKind;
import org.vpsrecovery.domain.hold.HoldLimits;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.contract.RecoveryPointHoldsContract;
import org.vpsrecovery.domain.server.ServerId;

/** The holds contract against PostgreSQL, through the Micronaut Data repository as the service wires it. */
class HoldRowsContractTest extends RecoveryPointHoldsContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();
    @RegisterExtension
    static final AdapterContext.PerClass ADAPTERS = new AdapterContext.PerClass(DATABASE);

    private static final TeamId TEAM = new TeamId("blue");
    private static final HoldActor BY_TEAM = new HoldActor.Team(TEAM);

    @Override
    protected RecoveryPointHolds emptyHolds() {
        return ADAPTERS.emptied("recovery_point_hold", RecoveryPointHolds.class);
    }

    /** The team's servers: one per point, as {@link #onItsOwnServer} places them. */
    private static final java.util.Set<ServerId> SERVERS = java.util.stream.LongStream.rangeClosed(1, 16)
            .mapToObj(ServerId::new).collect(java.util.stream.Collectors.toSet());

    /** A team hold on its own point on its own server: placements on other servers take other server locks. */
    private static RecoveryPointHold onItsOwnServer(long point) {
        return RecoveryPointHold.place(new HoldId(UUID.randomUUID()), TEAM, new ServerId(point),
                new ResourceRef(ResourceRef.Type.SNAPSHOT, point), new HoldReason("x".repeat(255)), BY_TEAM, Instant.now());
    }

    /**
     * Another instance's placement of the same team is under way (its transaction holds the team's lock and has
     * inserted, not yet committed, the team's last allowed hold, on another server). This placement waits for it and is
     * then refused; counted without the lock it would have read the count from before the other's commit and passed it.
     */
    @Test
    void aPlacementConcurrentWithAnotherInstancesOfTheSameTeamDoesNotPassTheTeamsLimit() throws Exception {
        RecoveryPointHolds holds = emptyHolds();
        HoldLimits limits = new HoldLimits(1, 2);
        assertThat(holds.placeWithin(onItsOwnServer(1), limits, SERVERS)).isTrue();
        RecoveryPointHold late = onItsOwnServer(3);

        boolean placed = TeamLimitRaces.answerWhileAnotherInstanceInserts(DATABASE.dataSource(),
                HoldRows.TEAM_HOLDS_NAMESPACE, TEAM.value(), HoldRows.INSERT_WITHIN_LIMITS,
                withinLimits(onItsOwnServer(2), limits), () -> holds.placeWithin(late, limits, SERVERS));

        assertThat(placed).isFalse();
        assertThat(holds.activeCountOn(SERVERS, HoldKind.TEAM)).isEqualTo(2);
        assertThat(holds.find(late.id())).isEmpty();
    }

    /** Many placements of one team at once, on as many servers, each on its own connection: the team's limit holds. */
    @Test
    void manySimultaneousPlacementsOfOneTeamStoreNoMoreThanItsLimit() {
        RecoveryPointHolds holds = emptyHolds();
        HoldLimits limits = new HoldLimits(1, 3);

        assertThat(TeamLimitRaces.passedAtOnce(8, point -> holds.placeWithin(onItsOwnServer(point), limits, SERVERS))).isEqualTo(3);
        assertThat(holds.activeCountOn(SERVERS, HoldKind.TEAM)).isEqualTo(3);
    }

    /**
     * A stored reason reads back whatever the JDK's Unicode version: U+0378 is unassigned in every version, and a
     * reason stored by a JDK that knew a character must read back on one that does not (after a rolling change).
     */
    @Test
    void aStoredReasonWithACodePointNoUnicodeVersionAssignsReadsBack() throws Exception {
        RecoveryPointHolds holds = emptyHolds();
        RecoveryPointHold hold = onItsOwnServer(1);
        holds.place(hold);
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE recovery_point_hold SET reason = ? WHERE id = ?")) {
            update.setString(1, "kept for audit \u0378");
            update.setObject(2, hold.id().value());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        assertThat(holds.find(hold.id())).map(h -> h.reason().value()).contains("kept for audit \u0378");
    }

    /** {@link HoldRows#INSERT_WITHIN_LIMITS}' parameters for {@code hold}. */
    private static List<Object> withinLimits(RecoveryPointHold hold, HoldLimits limits) {
        HoldRow r = HoldRows.toRow(hold);
        return Arrays.asList(r.id(), r.team(), r.serverId(), r.resourceType(), r.resourceId(), r.kind(), r.reason(),
                r.placedBy(), r.placedAt().atOffset(ZoneOffset.UTC), r.kind(), HoldRows.serverIds(SERVERS),
                (long) limits.activePerTeam(),
                r.resourceType(), r.resourceId(), r.kind(), (long) limits.activePerPoint());
    }
}
