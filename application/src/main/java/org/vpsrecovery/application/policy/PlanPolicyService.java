package org.vpsrecovery.application.policy;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.Retention;
import org.vpsrecovery.domain.policy.RetentionVerdict;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.port.RunCalendar;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.application.policy.PolicyPlan.ServerPlan;

/**
 * Reads the covered servers' points at VPS.org (one list read, however many servers) and evaluates the policy's retention
 * over them. A point is the policy's when the platform's create that made it was this policy's run, or,
 * with no create recorded, when its name (a backup's description) is one the template renders (ADR 0036);
 * every other point is a person's. A point that a restore still reads (its hold,
 * ADR 0026) or that a team or legal hold is on (ADR 0029) is held. Audited as {@code PLAN_POLICY}: the event says what would be deleted, and nothing is.
 */
public final class PlanPolicyService implements PlanPolicyUseCase {

    private final RecoveryPolicies policies;
    private final ServerOwnership ownership;
    private final PolicyPoints points;
    private final RunCalendar calendar;
    private final PolicyAudit audit;
    private final Clock clock;

    public PlanPolicyService(RecoveryPolicies policies, ServerOwnership ownership, SnapshotProvider snapshots,
                             BackupProvider backups, RecoveryOperations operations, RecoveryPointHolds holds,
                             RunCalendar calendar,
                             AuditWriter writer, Clock clock) {
        this.policies = Objects.requireNonNull(policies, "policies");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.calendar = Objects.requireNonNull(calendar, "calendar");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.points = new PolicyPoints(snapshots, backups, operations, holds, clock);
        this.audit = new PolicyAudit(writer, clock);
    }

    @Override
    public PolicyPlan plan(CallContext context, PolicyId id, int runs) {
        if (runs < 1 || runs > MAX_RUNS) {
            throw new IllegalArgumentException("runs must be 1-" + MAX_RUNS);
        }
        RecoveryPolicy policy = policies.find(context.team(), id).orElseThrow(() -> audit.refused(context,
                Operation.PLAN_POLICY, Optional.of(id),
                new ResourceNotFound(ReasonCode.POLICY_NOT_FOUND, "policy " + id + " not found")));
        Instant now = clock.instant();
        List<ServerPlan> servers = new ArrayList<>();
        try {
            // One list read for every covered server, not one per server (ADR 0028, amended in session 38).
            Map<ServerId, List<PolicyPoints.Point>> listed = points.listedOn(policy.spec().kind(), covered(policy));
            listed.forEach((server, itsPoints) -> servers.add(planFor(policy, server, itsPoints)));
        } catch (RecoveryException failure) {
            audit.failed(context, Operation.PLAN_POLICY, id, policy.version(), failure);
            throw failure;
        }
        PolicyPlan plan = new PolicyPlan(policy, now, calendar.nextRuns(policy.spec().schedule(), now, runs), servers);
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("servers", Integer.toString(servers.size()));
        facts.put("would_delete", Long.toString(plan.deletions()));
        facts.put("would_delete_points", servers.stream().flatMap(s -> s.points().stream())
                .filter(p -> !p.verdict().keep()).map(p -> p.verdict().candidate().point())
                .map(r -> r.type().name().toLowerCase(java.util.Locale.ROOT) + " " + r.id())
                .collect(Collectors.joining(",")));
        facts.put("changed", "nothing: a plan");
        audit.planned(context, Operation.PLAN_POLICY, id, policy.version(), facts);
        return plan;
    }

    private List<ServerId> covered(RecoveryPolicy policy) {
        Set<ServerId> owned = ownership.serversOf(policy.team());
        List<ServerId> named = policy.spec().servers().allOwned() ? List.copyOf(owned) : policy.spec().servers().listed();
        // A listed server the team no longer owns is left out, as if it were gone.
        return named.stream().filter(owned::contains).sorted(Comparator.comparingLong(ServerId::value)).toList();
    }

    private ServerPlan planFor(RecoveryPolicy policy, ServerId server, List<PolicyPoints.Point> listed) {
        Map<ResourceRef, PolicyPoints.Point> shown = new LinkedHashMap<>();
        listed.forEach(p -> shown.put(p.ref(), p));
        List<RetentionVerdict> verdicts = Retention.evaluate(policy.spec().retention(), policy.spec().schedule().zone(),
                points.candidates(policy, listed), clock.instant());
        Function<RetentionVerdict, PolicyPlan.PlannedPoint> planned = v -> new PolicyPlan.PlannedPoint(
                shown.get(v.candidate().point()).label(), shown.get(v.candidate().point()).status(), v);
        return new ServerPlan(server, verdicts.stream().map(planned).toList());
    }
}
