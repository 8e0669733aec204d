package org.vpsrecovery.adapters.persistence.hold;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
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
        assertThat(holds.placeWithin(onItsOwnServer(1), limits)).isTrue();
        RecoveryPointHold late = onItsOwnServer(3);

        CompletableFuture<Boolean> placed;
        try (Connection other = DATABASE.dataSource().getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                lock.setInt(1, HoldRows.TEAM_HOLDS_NAMESPACE);
                lock.setString(2, TEAM.value());
                lock.execute();
            }
            insertWithinLimits(other, onItsOwnServer(2), limits);
            placed = CompletableFuture.supplyAsync(() -> holds.placeWithin(late, limits));
            // Commit only once this placement waits for the lock, or (counted without it) has already answered.
            awaitWaitingForTheLockOr(placed);
            other.commit();
        }

        assertThat(placed.get()).isFalse();
        assertThat(holds.activeCount(TEAM, HoldKind.TEAM)).isEqualTo(2);
        assertThat(holds.find(late.id())).isEmpty();
    }

    /** Many placements of one team at once, on as many servers, each on its own connection: the team's limit holds. */
    @Test
    void manySimultaneousPlacementsOfOneTeamStoreNoMoreThanItsLimit() {
        RecoveryPointHolds holds = emptyHolds();
        HoldLimits limits = new HoldLimits(1, 3);
        List<CompletableFuture<Boolean>> placements = IntStream.rangeClosed(1, 8)
                .mapToObj(point -> CompletableFuture.supplyAsync(() -> holds.placeWithin(onItsOwnServer(point), limits)))
                .toList();

        assertThat(placements.stream().map(CompletableFuture::join).filter(Boolean::booleanValue).count()).isEqualTo(3);
        assertThat(holds.activeCount(TEAM, HoldKind.TEAM)).isEqualTo(3);
    }

    private static void insertWithinLimits(Connection other, RecoveryPointHold hold, HoldLimits limits) throws Exception {
        HoldRow r = HoldRows.toRow(hold);
        try (PreparedStatement insert = other.prepareStatement(HoldRows.INSERT_WITHIN_LIMITS)) {
            Object[] values = {r.id(), r.team(), r.serverId(), r.resourceType(), r.resourceId(), r.kind(), r.reason(),
                    r.placedBy(), r.placedAt().atOffset(ZoneOffset.UTC), r.team(), r.kind(), (long) limits.activePerTeam(),
                    r.resourceType(), r.resourceId(), r.kind(), (long) limits.activePerPoint()};
            for (int i = 0; i < values.length; i++) {
                insert.setObject(i + 1, values[i]);
            }
            assertThat(insert.executeUpdate()).isOne();
        }
    }

    /** Until an advisory lock is waited for in the database, or {@code answered} is done; bounded. */
    private static void awaitWaitingForTheLockOr(CompletableFuture<?> answered) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection watcher = DATABASE.dataSource().getConnection();
             PreparedStatement waiting = watcher.prepareStatement(
                     "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) {
            while (!answered.isDone() && System.nanoTime() < deadline) {
                try (ResultSet rs = waiting.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        if (!answered.isDone()) {
            throw new AssertionError("the placement neither waited for the team's lock nor answered within 30 s");
        }
    }
}
