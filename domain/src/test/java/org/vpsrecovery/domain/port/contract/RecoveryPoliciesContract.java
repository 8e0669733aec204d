package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
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
import org.vpsrecovery.domain.server.ServerId;

/** What every {@link RecoveryPolicies} does; run against the in-memory fake and PostgreSQL. */
public abstract class RecoveryPoliciesContract {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final TeamId BLUE = new TeamId("blue");
    private static final TeamId GREEN = new TeamId("green");

    protected abstract RecoveryPolicies emptyPolicies();

    private static final PolicySpec SNAPSHOTS = new PolicySpec(PolicyServers.of(List.of(new ServerId(12345), new ServerId(7))),
            PolicyKind.SNAPSHOT, new PolicySchedule("15 3 * * *", ZoneId.of("America/New_York")),
            new NameTemplate("nightly-{server_id}-{date}-{time}"),
            new RetentionRules(3, Duration.ofHours(36), 7, 4, 12, 2, true));
    private static final PolicySpec BACKUPS = new PolicySpec(PolicyServers.everyOwned(), PolicyKind.MANUAL_BACKUP,
            new PolicySchedule("0 */6 * * *", ZoneId.of("UTC")), new NameTemplate("policy backup of {server_id} at {time}"),
            RetentionRules.keepAll());

    @Test
    void storesAndFindsAPolicyAsItWas() {
        RecoveryPolicies policies = emptyPolicies();
        RecoveryPolicy snapshots = RecoveryPolicy.created(PolicyId.random(), BLUE, SNAPSHOTS, T0);
        RecoveryPolicy backups = RecoveryPolicy.created(PolicyId.random(), BLUE, BACKUPS, T0.plusSeconds(1));
        policies.add(snapshots);
        policies.add(backups);

        assertThat(policies.find(BLUE, snapshots.id())).contains(snapshots);
        assertThat(policies.find(BLUE, backups.id())).contains(backups);
        assertThat(policies.find(GREEN, snapshots.id())).isEmpty();
        assertThat(policies.find(BLUE, PolicyId.random())).isEmpty();
    }

    @Test
    void listsATeamsOwnOldestFirstInPages() {
        RecoveryPolicies policies = emptyPolicies();
        RecoveryPolicy first = RecoveryPolicy.created(PolicyId.random(), BLUE, SNAPSHOTS, T0);
        RecoveryPolicy second = RecoveryPolicy.created(PolicyId.random(), BLUE, BACKUPS, T0.plusSeconds(1));
        RecoveryPolicy third = RecoveryPolicy.created(PolicyId.random(), BLUE, SNAPSHOTS, T0.plusSeconds(2));
        policies.add(third);
        policies.add(first);
        policies.add(second);
        policies.add(RecoveryPolicy.created(PolicyId.random(), GREEN, SNAPSHOTS, T0));

        assertThat(policies.list(BLUE, Optional.empty(), 2)).containsExactly(first, second);
        assertThat(policies.list(BLUE, Optional.of(second.id()), 2)).containsExactly(third);
        assertThat(policies.count(BLUE)).isEqualTo(3);
        assertThat(policies.count(new TeamId("nobody"))).isZero();
    }

    /** A cursor that is not the team's stored policy pages from nowhere: an empty page, never one from the start. */
    @Test
    void aPageAfterAPolicyGoneOrAnotherTeamsIsEmpty() {
        RecoveryPolicies policies = emptyPolicies();
        RecoveryPolicy first = RecoveryPolicy.created(PolicyId.random(), BLUE, SNAPSHOTS, T0);
        RecoveryPolicy second = RecoveryPolicy.created(PolicyId.random(), BLUE, BACKUPS, T0.plusSeconds(1));
        RecoveryPolicy third = RecoveryPolicy.created(PolicyId.random(), BLUE, SNAPSHOTS, T0.plusSeconds(2));
        RecoveryPolicy greens = RecoveryPolicy.created(PolicyId.random(), GREEN, SNAPSHOTS, T0);
        for (RecoveryPolicy each : java.util.List.of(first, second, third, greens)) {
            policies.add(each);
        }
        assertThat(policies.remove(second)).isTrue();

        assertThat(policies.list(BLUE, Optional.of(second.id()), 10)).isEmpty();
        assertThat(policies.list(BLUE, Optional.of(greens.id()), 10)).isEmpty();
        assertThat(policies.list(BLUE, Optional.of(PolicyId.random()), 10)).isEmpty();
        assertThat(policies.list(BLUE, Optional.of(first.id()), 10)).containsExactly(third);
    }

    @Test
    void addsWithinTheTeamsLimitOnly() {
        RecoveryPolicies policies = emptyPolicies();
        RecoveryPolicy first = RecoveryPolicy.created(PolicyId.random(), BLUE, SNAPSHOTS, T0);
        RecoveryPolicy second = RecoveryPolicy.created(PolicyId.random(), BLUE, BACKUPS, T0.plusSeconds(1));
        RecoveryPolicy third = RecoveryPolicy.created(PolicyId.random(), BLUE, SNAPSHOTS, T0.plusSeconds(2));

        assertThat(policies.addWithin(first, 2)).isTrue();
        assertThat(policies.addWithin(second, 2)).isTrue();
        assertThat(policies.addWithin(third, 2)).isFalse();
        assertThat(policies.addWithin(RecoveryPolicy.created(PolicyId.random(), GREEN, SNAPSHOTS, T0), 2)).isTrue();

        assertThat(policies.list(BLUE, Optional.empty(), 10)).containsExactly(first, second);
        assertThat(policies.find(BLUE, third.id())).isEmpty();
    }

    @Test
    void updatesAndRemovesOnlyOverTheVersionRead() {
        RecoveryPolicies policies = emptyPolicies();
        RecoveryPolicy v1 = RecoveryPolicy.created(PolicyId.random(), BLUE, SNAPSHOTS, T0);
        policies.add(v1);
        RecoveryPolicy v2 = v1.replacedBy(BACKUPS, T0.plusSeconds(60));

        assertThat(policies.update(v1, v2)).isTrue();
        assertThat(policies.update(v1, v1.replacedBy(SNAPSHOTS, T0.plusSeconds(61)))).isFalse();
        assertThat(policies.find(BLUE, v1.id())).contains(v2);
        assertThat(policies.remove(v1)).isFalse();
        assertThat(policies.remove(new RecoveryPolicy(v2.id(), GREEN, v2.spec(), v2.version(), v2.createdAt(), v2.updatedAt())))
                .isFalse();
        assertThat(policies.remove(v2)).isTrue();
        assertThat(policies.find(BLUE, v1.id())).isEmpty();
    }
}
