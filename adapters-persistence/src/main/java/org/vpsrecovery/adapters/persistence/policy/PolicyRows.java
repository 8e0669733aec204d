package org.vpsrecovery.adapters.persistence.policy;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.vpsrecovery.adapters.persistence.failure.DatabaseOutOfReach;
import org.vpsrecovery.adapters.persistence.teamlimit.TeamLimitedInsert;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The policies in PostgreSQL, through a Micronaut Data repository; the one place rows and domain meet. A team's create
 * ({@link #addWithin}) is hand-written JDBC: an advisory lock is outside what Micronaut Data expresses.
 */
public final class PolicyRows implements RecoveryPolicies {

    /** "VPSP": the advisory-lock namespace of a team's policy creates, keyed by {@code hashtext(team)}. */
    static final int TEAM_POLICIES_NAMESPACE = 0x56505350;

    /** Counted in the insert's own statement, under the team's lock ({@link TeamLimitedInsert}). */
    static final String INSERT_WITHIN_LIMIT = """
            INSERT INTO recovery_policy (id, team, all_servers, server_ids, kind, cron, time_zone, name_template,
                keep_last, keep_within_seconds, keep_daily, keep_weekly, keep_monthly, keep_yearly, include_person_made,
                version, created_at, updated_at)
            SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
            WHERE (SELECT count(*) FROM recovery_policy WHERE team = ?) < ?""";

    private final PolicyRowRepository rows;
    private final TeamLimitedInsert teamLimitedInsert;

    /** {@code pool}: the connection pool itself (PostgresAdapterFactory.pooled), for the create's own transaction. */
    public PolicyRows(PolicyRowRepository rows, DataSource pool) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.teamLimitedInsert = new TeamLimitedInsert(pool, TEAM_POLICIES_NAMESPACE, INSERT_WITHIN_LIMIT);
    }

    /**
     * The team's advisory lock for this transaction, then the insert counting the team's policies: two creates of one
     * team, on any instances, are counted one after the other, so the limit holds (ADR 0028).
     */
    @Override
    public boolean addWithin(RecoveryPolicy policy, int teamLimit) {
        if (policy.version() != 1) {
            throw new IllegalArgumentException("a new policy starts at version 1");
        }
        PolicyRow r = toRow(policy);
        // Arrays.asList: the optional keep rules are null in their columns.
        return teamLimitedInsert.insert(r.team(), Arrays.asList(r.id(), r.team(), r.allServers(), r.serverIds(),
                        r.kind(), r.cron(), r.timeZone(), r.nameTemplate(), r.keepLast(), r.keepWithinSeconds(),
                        r.keepDaily(), r.keepWeekly(), r.keepMonthly(), r.keepYearly(), r.includePersonMade(),
                        r.version(), r.createdAt().atOffset(ZoneOffset.UTC), r.updatedAt().atOffset(ZoneOffset.UTC),
                        r.team(), (long) teamLimit),
                "could not store policy " + policy.id() + ": the database did not answer", Duration.ofSeconds(1));
    }

    @Override
    public void add(RecoveryPolicy policy) {
        if (policy.version() != 1) {
            throw new IllegalArgumentException("a new policy starts at version 1");
        }
        PolicyRow row = toRow(policy);
        DatabaseOutOfReach.write("store the policy", () -> rows.save(row));
    }

    @Override
    public Optional<RecoveryPolicy> find(TeamId team, PolicyId id) {
        // GET /policies/{id}/, and the look-up a change, a plan and a policy run make first: a 503, not a 500 (session 40).
        return DatabaseOutOfReach.read("read the policy", () -> rows.findByIdAndTeam(id.value(), team.value()))
                .map(PolicyRows::toDomain);
    }

    @Override
    public List<RecoveryPolicy> list(TeamId team, Optional<PolicyId> after, int limit) {
        RecoveryPolicies.requirePage(limit);
        return DatabaseOutOfReach.read("list the policies",
                () -> rows.page(team.value(), after.map(PolicyId::value).orElse(null), limit)).stream()
                .map(PolicyRows::toDomain).toList();
    }

    @Override
    public int count(TeamId team) {
        return Math.toIntExact(DatabaseOutOfReach.read("count the team's policies", () -> rows.countByTeam(team.value())));
    }

    @Override
    public boolean update(RecoveryPolicy from, RecoveryPolicy next) {
        if (!from.id().equals(next.id()) || !from.team().equals(next.team())) {
            throw new IllegalArgumentException("an update moves one policy of one team");
        }
        PolicyRow r = toRow(next);
        return DatabaseOutOfReach.write("store the policy", () -> rows.updateOverVersion(r.id(), r.team(), r.allServers(),
                r.serverIds(), r.kind(), r.cron(), r.timeZone(), r.nameTemplate(), r.keepLast(), r.keepWithinSeconds(),
                r.keepDaily(), r.keepWeekly(), r.keepMonthly(), r.keepYearly(), r.includePersonMade(), r.version(),
                r.updatedAt(), from.version())) == 1;
    }

    @Override
    public boolean remove(RecoveryPolicy at) {
        return DatabaseOutOfReach.write("delete the policy",
                () -> rows.deleteOverVersion(at.id().value(), at.team().value(), at.version())) == 1;
    }

    /** A policy document in {@code recovery_policy}'s columns; {@code pending_change} (V24) keeps a waiting one so too. */
    public record SpecColumns(boolean allServers, String serverIds, String kind, String cron, String timeZone,
                              String nameTemplate, int keepLast, long keepWithinSeconds, int keepDaily, int keepWeekly,
                              int keepMonthly, int keepYearly, boolean includePersonMade) {
    }

    public static SpecColumns specColumns(PolicySpec s) {
        RetentionRules r = s.retention();
        return new SpecColumns(s.servers().allOwned(),
                s.servers().listed().stream().map(id -> Long.toString(id.value())).collect(Collectors.joining(",")),
                s.kind().name(), s.schedule().cron(), s.schedule().zone().getId(), s.nameTemplate().value(),
                r.keepLast(), r.keepWithin().toSeconds(), r.keepDaily(), r.keepWeekly(), r.keepMonthly(), r.keepYearly(),
                r.includePersonMade());
    }

    public static PolicySpec spec(SpecColumns c) {
        PolicyServers servers = c.allServers() ? PolicyServers.everyOwned()
                : PolicyServers.of(Arrays.stream(c.serverIds().split(",")).map(id -> new ServerId(Long.parseLong(id))).toList());
        return new PolicySpec(servers, PolicyKind.valueOf(c.kind()),
                new PolicySchedule(c.cron(), ZoneId.of(c.timeZone())), new NameTemplate(c.nameTemplate()),
                new RetentionRules(c.keepLast(), Duration.ofSeconds(c.keepWithinSeconds()), c.keepDaily(), c.keepWeekly(),
                        c.keepMonthly(), c.keepYearly(), c.includePersonMade()));
    }

    static PolicyRow toRow(RecoveryPolicy p) {
        SpecColumns c = specColumns(p.spec());
        return new PolicyRow(p.id().value(), p.team().value(), c.allServers(), c.serverIds(), c.kind(), c.cron(),
                c.timeZone(), c.nameTemplate(), c.keepLast(), c.keepWithinSeconds(), c.keepDaily(), c.keepWeekly(),
                c.keepMonthly(), c.keepYearly(), c.includePersonMade(), p.version(), p.createdAt(), p.updatedAt());
    }

    static RecoveryPolicy toDomain(PolicyRow r) {
        PolicySpec spec = spec(new SpecColumns(r.allServers(), r.serverIds(), r.kind(), r.cron(), r.timeZone(),
                r.nameTemplate(), r.keepLast(), r.keepWithinSeconds(), r.keepDaily(), r.keepWeekly(), r.keepMonthly(),
                r.keepYearly(), r.includePersonMade()));
        return new RecoveryPolicy(new PolicyId(r.id()), new TeamId(r.team()), spec, r.version(), r.createdAt(),
                r.updatedAt());
    }
}
