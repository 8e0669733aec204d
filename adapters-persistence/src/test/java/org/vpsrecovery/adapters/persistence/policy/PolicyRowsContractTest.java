package org.vpsrecovery.adapters.persistence.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.port.contract.RecoveryPoliciesContract;

/** The policies contract against PostgreSQL, through the Micronaut Data repository as the service wires it. */
class PolicyRowsContractTest extends RecoveryPoliciesContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();
    @RegisterExtension
    static final AdapterContext.PerClass ADAPTERS = new AdapterContext.PerClass(DATABASE);

    @Override
    protected RecoveryPolicies emptyPolicies() {
        return ADAPTERS.emptied("recovery_policy", RecoveryPolicies.class);
    }

    private static final TeamId BLUE = new TeamId("blue");
    private static final PolicySpec NIGHTLY = new PolicySpec(PolicyServers.everyOwned(), PolicyKind.SNAPSHOT,
            new PolicySchedule("0 3 * * *", ZoneId.of("UTC")), new NameTemplate("nightly-{server_id}"),
            RetentionRules.keepAll());

    /**
     * Another instance's create of the same team is under way (its transaction holds the team's lock and has inserted,
     * not yet committed, the team's last allowed policy). This create waits for it and is then refused; counted without
     * the lock it would have read the count from before the other's commit and passed the limit.
     */
    @Test
    void aCreateConcurrentWithAnotherInstancesCreateOfTheSameTeamDoesNotPassTheLimit() throws Exception {
        RecoveryPolicies policies = emptyPolicies();
        assertThat(policies.addWithin(RecoveryPolicy.created(PolicyId.random(), BLUE, NIGHTLY, Instant.now()), 2)).isTrue();
        RecoveryPolicy late = RecoveryPolicy.created(PolicyId.random(), BLUE, NIGHTLY, Instant.now());

        CompletableFuture<Boolean> added;
        try (Connection other = DATABASE.dataSource().getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                lock.setInt(1, PolicyRows.TEAM_POLICIES_NAMESPACE);
                lock.setString(2, BLUE.value());
                lock.execute();
            }
            insertSecond(other);
            added = CompletableFuture.supplyAsync(() -> policies.addWithin(late, 2));
            // Commit only once this create waits for the lock, or (counted without it) has already answered.
            awaitWaitingForTheLockOr(added);
            other.commit();
        }

        assertThat(added.get()).isFalse();
        assertThat(policies.count(BLUE)).isEqualTo(2);
        assertThat(policies.find(BLUE, late.id())).isEmpty();
    }

    /** Many creates of one team at once, each on its own connection: the limit holds. */
    @Test
    void manyConcurrentCreatesOfOneTeamStoreNoMoreThanTheLimit() {
        RecoveryPolicies policies = emptyPolicies();
        List<CompletableFuture<Boolean>> creates = java.util.stream.IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> policies.addWithin(
                        RecoveryPolicy.created(PolicyId.random(), BLUE, NIGHTLY, Instant.now()), 3)))
                .toList();

        assertThat(creates.stream().map(CompletableFuture::join).filter(Boolean::booleanValue).count()).isEqualTo(3);
        assertThat(policies.count(BLUE)).isEqualTo(3);
    }

    private static void insertSecond(Connection other) throws SQLException {
        try (PreparedStatement insert = other.prepareStatement(PolicyRows.INSERT_WITHIN_LIMIT)) {
            RecoveryPolicy second = RecoveryPolicy.created(PolicyId.random(), BLUE, NIGHTLY, Instant.now());
            PolicyRow r = PolicyRows.toRow(second);
            Object[] values = {r.id(), r.team(), r.allServers(), r.serverIds(), r.kind(), r.cron(), r.timeZone(),
                    r.nameTemplate(), r.keepLast(), r.keepWithinSeconds(), r.keepDaily(), r.keepWeekly(), r.keepMonthly(),
                    r.keepYearly(), r.includePersonMade(), r.version(), r.createdAt().atOffset(ZoneOffset.UTC),
                    r.updatedAt().atOffset(ZoneOffset.UTC), r.team(), 2L};
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
            throw new AssertionError("the create neither waited for the team's lock nor answered within 30 s");
        }
    }
}
