package org.vpsrecovery.adapters.persistence.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TeamLimitRaces;
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

    /** A stored backup policy's name template reads back whatever the JDK's Unicode version (U+0378: unassigned in all). */
    @Test
    void aStoredNameTemplateWithACodePointNoUnicodeVersionAssignsReadsBack() throws Exception {
        RecoveryPolicies policies = emptyPolicies();
        PolicySpec backups = new PolicySpec(PolicyServers.everyOwned(), PolicyKind.MANUAL_BACKUP,
                new PolicySchedule("0 3 * * *", ZoneId.of("UTC")), new NameTemplate("nightly {date}"), RetentionRules.keepAll());
        RecoveryPolicy policy = RecoveryPolicy.created(PolicyId.random(), BLUE, backups, Instant.now());
        policies.add(policy);
        try (Connection connection = DATABASE.dataSource().getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE recovery_policy SET name_template = ? WHERE id = ?")) {
            update.setString(1, "nightly \u0378 {date}");
            update.setObject(2, policy.id().value());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        assertThat(policies.find(BLUE, policy.id())).map(p -> p.spec().nameTemplate().value())
                .contains("nightly \u0378 {date}");
    }

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

        boolean added = TeamLimitRaces.answerWhileAnotherInstanceInserts(DATABASE.dataSource(),
                PolicyRows.TEAM_POLICIES_NAMESPACE, BLUE.value(), PolicyRows.INSERT_WITHIN_LIMIT, second(),
                () -> policies.addWithin(late, 2));

        assertThat(added).isFalse();
        assertThat(policies.count(BLUE)).isEqualTo(2);
        assertThat(policies.find(BLUE, late.id())).isEmpty();
    }

    /** Many creates of one team at once, each on its own connection: the limit holds. */
    @Test
    void manyConcurrentCreatesOfOneTeamStoreNoMoreThanTheLimit() {
        RecoveryPolicies policies = emptyPolicies();

        assertThat(TeamLimitRaces.passedAtOnce(8, i -> policies.addWithin(
                RecoveryPolicy.created(PolicyId.random(), BLUE, NIGHTLY, Instant.now()), 3))).isEqualTo(3);
        assertThat(policies.count(BLUE)).isEqualTo(3);
    }

    /** {@link PolicyRows#INSERT_WITHIN_LIMIT}'s parameters for the team's second policy, its limit 2. */
    private static List<Object> second() {
        PolicyRow r = PolicyRows.toRow(RecoveryPolicy.created(PolicyId.random(), BLUE, NIGHTLY, Instant.now()));
        return Arrays.asList(r.id(), r.team(), r.allServers(), r.serverIds(), r.kind(), r.cron(), r.timeZone(),
                r.nameTemplate(), r.keepLast(), r.keepWithinSeconds(), r.keepDaily(), r.keepWeekly(), r.keepMonthly(),
                r.keepYearly(), r.includePersonMade(), r.version(), r.createdAt().atOffset(ZoneOffset.UTC),
                r.updatedAt().atOffset(ZoneOffset.UTC), r.team(), 2L);
    }
}
