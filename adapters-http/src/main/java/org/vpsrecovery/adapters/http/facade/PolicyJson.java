package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.vpsrecovery.application.policy.PolicyPlan;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.policy.RetentionVerdict;

/**
 * A policy on the wire: the request's fields (so an answer, less id, version and times, replaces the
 * policy as it is), and its plan.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.ALWAYS)
public record PolicyJson(String id, long version, String kind, @JsonProperty("server_ids") @Nullable List<Long> serverIds,
                         @JsonProperty("all_servers") boolean allServers, String cron,
                         @JsonProperty("time_zone") String timeZone, @JsonProperty("name_template") String nameTemplate,
                         @JsonProperty("keep_last") int keepLast, @JsonProperty("keep_within") @Nullable String keepWithin,
                         @JsonProperty("keep_daily") int keepDaily, @JsonProperty("keep_weekly") int keepWeekly,
                         @JsonProperty("keep_monthly") int keepMonthly, @JsonProperty("keep_yearly") int keepYearly,
                         @JsonProperty("include_person_made") boolean includePersonMade,
                         @JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt) {

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record PolicyPageJson(int count, List<PolicyJson> results, @Nullable String next) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record PlanJson(@JsonProperty("policy_id") String policyId, long version, String kind,
                           @JsonProperty("time_zone") String timeZone, @JsonProperty("planned_at") String plannedAt,
                           @JsonProperty("next_runs") List<RunJson> nextRuns,
                           @JsonProperty("would_delete") long wouldDelete, List<ServerPlanJson> servers,
                           String note) {
    }

    /** One run: when, in UTC and in the policy's time zone. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RunJson(String at, @JsonProperty("local_time") String localTime) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ServerPlanJson(@JsonProperty("server_id") long serverId, List<PointPlanJson> points) {
    }

    /** One recovery point and retention's verdict: {@code keep} with the rules that keep it, or {@code delete} with why. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record PointPlanJson(String type, long id, String name, String status,
                                @JsonProperty("created_at") String createdAt, @JsonProperty("made_by") String madeBy,
                                boolean held, String verdict, @JsonProperty("kept_by") List<KeptByJson> keptBy,
                                @Nullable String reason) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record KeptByJson(String rule, @Nullable String period) {
    }

    static PolicyJson of(RecoveryPolicy policy) {
        PolicySpec spec = policy.spec();
        RetentionRules r = spec.retention();
        return new PolicyJson(policy.id().toString(), policy.version(), spec.kind().wireName(),
                spec.servers().allOwned() ? null : spec.servers().listed().stream().map(s -> s.value()).toList(),
                spec.servers().allOwned(), spec.schedule().cron(), spec.schedule().zone().getId(),
                spec.nameTemplate().value(), r.keepLast(), r.keepWithin().isZero() ? null : r.keepWithin().toString(),
                r.keepDaily(), r.keepWeekly(), r.keepMonthly(), r.keepYearly(), r.includePersonMade(),
                policy.createdAt().toString(), policy.updatedAt().toString());
    }

    /** {@code next}: the last policy's id when more follow, null on the last page (the use case read one more). */
    static PolicyPageJson page(KeysetPage<RecoveryPolicy, PolicyId> page) {
        return new PolicyPageJson(page.items().size(), page.items().stream().map(PolicyJson::of).toList(),
                page.next().map(PolicyId::toString).orElse(null));
    }

    static PlanJson plan(PolicyPlan plan) {
        ZoneId zone = plan.policy().spec().schedule().zone();
        List<RunJson> runs = plan.nextRuns().stream()
                .map(at -> new RunJson(at.toString(), at.atZone(zone).toOffsetDateTime().toString())).toList();
        List<ServerPlanJson> servers = plan.servers().stream().map(server -> new ServerPlanJson(server.server().value(),
                server.points().stream().map(PolicyJson::point).toList())).toList();
        return new PlanJson(plan.policy().id().toString(), plan.policy().version(), plan.policy().spec().kind().wireName(),
                zone.getId(), plan.at().toString(), runs, plan.deletions(), servers,
                "a plan: nothing was changed at VPS.org; a point is the policy's when its name (a backup's "
                        + "description) is one the name template renders");
    }

    private static PointPlanJson point(PolicyPlan.PlannedPoint p) {
        RetentionVerdict v = p.verdict();
        return new PointPlanJson(v.candidate().point().type().name().toLowerCase(Locale.ROOT), v.candidate().point().id(),
                p.label(), p.status(), v.candidate().createdAt().toString(),
                v.candidate().maker().name().toLowerCase(Locale.ROOT), v.candidate().held(), v.keep() ? "keep" : "delete",
                v.keptBy().stream().map(k -> new KeptByJson(k.reason().wireName(), k.bucket().orElse(null))).toList(),
                v.dropReason().orElse(null));
    }
}
