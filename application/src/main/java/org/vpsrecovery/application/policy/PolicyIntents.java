package org.vpsrecovery.application.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.application.attempt.RecordIntents;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.RecoveryPolicies;

/**
 * How a policy change whose outcome was never written ended (the instance died between the intent and
 * the outcome, or the store failed during the write; ADR 0036), read from the policy's row and the
 * policy's other intents. An intent is written after the row was read, so a later intent about the
 * policy proves the row existed then.
 *
 * <ul>
 *   <li>create: the policy's id is new to this create, so the row there (at any version), or any later
 *       intent about the policy, means it happened: {@code COMPLETED}; else {@code FAILED};</li>
 *   <li>update to version N: the row at N with the values this intent set: {@code COMPLETED}; at N with
 *       other values, or below N: {@code FAILED}; beyond N or deleted since: {@code COMPLETED} if no other
 *       intent named version N, else {@code UNVERIFIABLE} (which of the two made N is no longer shown);</li>
 *   <li>delete of version N: the row there: {@code FAILED}; gone: {@code COMPLETED} if no other delete
 *       named N, else {@code UNVERIFIABLE}.</li>
 * </ul>
 */
public final class PolicyIntents implements RecordIntents {

    private final RecoveryPolicies policies;
    private final AuditHistory history;

    public PolicyIntents(RecoveryPolicies policies, AuditHistory history) {
        this.policies = Objects.requireNonNull(policies, "policies");
        this.history = Objects.requireNonNull(history, "history");
    }

    @Override
    public Optional<Outcome> outcomeOf(AuditEvent intent) {
        Operation operation = intent.operation();
        if (!operation.isPolicy() || operation == Operation.PLAN_POLICY) {
            return Optional.empty();
        }
        Optional<PolicyId> id = Optional.ofNullable(intent.detail().get(PolicyAudit.POLICY_ID)).map(PolicyId::parse);
        Optional<Long> version = Optional.ofNullable(intent.detail().get(PolicyAudit.VERSION)).map(Long::parseLong);
        if (id.isEmpty() || version.isEmpty()) {
            return Optional.empty();
        }
        long v = version.get();
        Optional<RecoveryPolicy> row = policies.find(intent.team(), id.get());
        List<AuditEvent> others = intentsAbout(intent, id.get());
        return Optional.of(switch (operation) {
            case CREATE_POLICY -> row.isPresent() || !others.isEmpty() ? COMPLETED : NOT_STORED;
            case UPDATE_POLICY -> row.filter(r -> r.version() <= v)
                    .map(r -> r.version() == v && setsTheRow(intent, r) ? COMPLETED : NOT_STORED)
                    .orElseGet(() -> row.isPresent() || others.stream().anyMatch(o -> readAtOrAfter(o, v))
                            ? unlessAnotherNamed(others, Operation.UPDATE_POLICY, v) : NOT_STORED);
            case DELETE_POLICY -> row.isPresent() ? NOT_STORED : unlessAnotherNamed(others, Operation.DELETE_POLICY, v);
            default -> NOT_STORED;
        });
    }

    private static final Outcome COMPLETED = new Outcome.Completed();
    private static final Outcome NOT_STORED = new Outcome.Failed(ReasonCode.PLATFORM_UNAVAILABLE,
            "the change was not stored; the policy is as the row shows (reconciled from it)");

    /** The other intents about the policy, from the team's latest; later ones prove the row was read. */
    private List<AuditEvent> intentsAbout(AuditEvent intent, PolicyId id) {
        return history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT).forTeam(intent.team())
                        .withOperations(Set.of(Operation.UPDATE_POLICY, Operation.DELETE_POLICY))
                        .withOutcome(Outcome.Kind.ACCEPTED)).stream()
                .map(RecordedAuditEvent::event)
                .filter(e -> id.toString().equals(e.detail().get(PolicyAudit.POLICY_ID)))
                .filter(e -> !e.sameAttemptAs(intent))
                .toList();
    }

    /** Whether {@code other} was written after reading version {@code v} or later. */
    private static boolean readAtOrAfter(AuditEvent other, long v) {
        long named = Long.parseLong(other.detail().getOrDefault(PolicyAudit.VERSION, "0"));
        long read = other.operation() == Operation.UPDATE_POLICY ? named - 1 : named;
        return read >= v;
    }

    private static Outcome unlessAnotherNamed(List<AuditEvent> others, Operation operation, long v) {
        boolean another = others.stream().anyMatch(o -> o.operation() == operation
                && Long.toString(v).equals(o.detail().get(PolicyAudit.VERSION)));
        return another ? new Outcome.Unverifiable(ReasonCode.PLATFORM_UNAVAILABLE, "another change named version " + v
                + " too, and the row has moved on: which of them made it is not shown") : COMPLETED;
    }

    /** Whether the row holds every value this update set (values cut to the detail limit are not compared). */
    private static boolean setsTheRow(AuditEvent intent, RecoveryPolicy row) {
        return row.spec().fields().entrySet().stream().allMatch(field -> {
            String change = intent.detail().get(field.getKey());
            return change == null || change.codePointCount(0, change.length()) >= AuditEvent.MAX_DETAIL_VALUE_LENGTH
                    || change.endsWith(" -> " + field.getValue());
        });
    }
}
