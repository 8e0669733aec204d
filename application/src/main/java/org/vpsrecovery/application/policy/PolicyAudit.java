package org.vpsrecovery.application.policy;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.policy.PolicyId;

/**
 * The audit events of policies: a policy belongs to no one server, so its events name none; the
 * policy, its version and the actor are in the detail, with the fields a change touched.
 */
final class PolicyAudit {

    static final String POLICY_ID = "policy_id";
    static final String VERSION = "version";
    static final String ACTOR = "actor";

    private final AuditWriter writer;
    private final Clock clock;
    private final Optional<String> requestedBy;

    PolicyAudit(AuditWriter writer, Clock clock) {
        this(writer, clock, Optional.empty());
    }

    private PolicyAudit(AuditWriter writer, Clock clock, Optional<String> requestedBy) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.requestedBy = requestedBy;
    }

    /** The same events, naming who asked for a change a second person approved (ADR 0043). */
    PolicyAudit requestedBy(org.vpsrecovery.domain.audit.Actor requester) {
        return new PolicyAudit(writer, clock, Optional.of(requester.subject()));
    }

    /**
     * The intent, durably, before the row is written (ADR 0036): the change, its actor and diff are on
     * record even if the instance dies before the row or its outcome; reconciliation then reads the row
     * ({@link PolicyIntents}). If the history cannot take it, nothing is changed. Returns the attempt id
     * the outcome names.
     */
    String intent(CallContext context, Operation operation, PolicyId policy, long version, Map<String, String> facts) {
        String attempt = context.operationId().toString();
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put(AuditEvent.ATTEMPT_ID, attempt);
        detail.putAll(facts);
        try {
            writer.appendNow(event(context, operation, new Outcome.Accepted(), Optional.of(policy), version, detail));
        } catch (RecoveryException expected) {
            throw expected;
        } catch (RuntimeException historyDown) {
            throw new PlatformUnavailable("the audit history cannot record the change now, so nothing was changed; "
                    + "try again shortly", Duration.ofSeconds(2), historyDown);
        }
        return attempt;
    }

    /** Records what was done; written later if the history cannot take it now, never lost while the instance lives. */
    void done(CallContext context, Operation operation, PolicyId policy, long version, String attempt,
              Map<String, String> facts) {
        writer.appendOrDefer(event(context, operation, new Outcome.Completed(), Optional.of(policy), version,
                withAttempt(attempt, facts)));
    }

    /** After the intent, the change did not happen: FAILED, which settles the intent, with why. */
    RecoveryException failedAfterIntent(CallContext context, Operation operation, PolicyId policy, long version,
                                        String attempt, RecoveryException failure) {
        writer.appendOrDefer(event(context, operation, new Outcome.Failed(failure.reason(), cause(failure.getMessage())),
                Optional.of(policy), version, withAttempt(attempt, Map.of())));
        return failure;
    }

    /** After the intent, the store failed: whether the row was written is not known here; reconciliation reads it. */
    void unresolved(CallContext context, Operation operation, PolicyId policy, long version, String attempt) {
        writer.appendOrDefer(event(context, operation, new Outcome.Unresolved(ReasonCode.PLATFORM_UNAVAILABLE,
                        "the policy store failed during the change; reconciliation reads whether it took effect"),
                Optional.of(policy), version, withAttempt(attempt, Map.of())));
    }

    private static Map<String, String> withAttempt(String attempt, Map<String, String> facts) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put(AuditEvent.ATTEMPT_ID, attempt);
        detail.putAll(facts);
        return detail;
    }

    private static String cause(String message) {
        return message.length() <= Outcome.MAX_CAUSE_LENGTH ? message : message.substring(0, Outcome.MAX_CAUSE_LENGTH);
    }

    /** Records a plan: an outcome that says nothing was changed, anywhere (ADR 0029's PLANNED). */
    void planned(CallContext context, Operation operation, PolicyId policy, long version, Map<String, String> facts) {
        writer.appendOrDefer(event(context, operation, new Outcome.Planned(), Optional.of(policy), version, facts));
    }

    /** Records the refusal and hands it back to throw. */
    RecoveryException refused(CallContext context, Operation operation, Optional<PolicyId> policy,
                              RecoveryException refusal) {
        writer.appendOrDefer(event(context, operation, new Outcome.Rejected(refusal.reason()), policy, 0,
                Map.of(AuditEvent.MESSAGE, AuditEvent.detailValue(refusal.getMessage()))));
        return refusal;
    }

    void failed(CallContext context, Operation operation, PolicyId policy, long version, RecoveryException failure) {
        writer.appendOrDefer(event(context, operation, new Outcome.Failed(failure.reason(),
                        failure.getMessage().length() <= Outcome.MAX_CAUSE_LENGTH ? failure.getMessage()
                                : failure.getMessage().substring(0, Outcome.MAX_CAUSE_LENGTH)),
                Optional.of(policy), version, Map.of()));
    }

    private AuditEvent event(CallContext context, Operation operation, Outcome outcome, Optional<PolicyId> policy,
                             long version, Map<String, String> facts) {
        Map<String, String> detail = new LinkedHashMap<>();
        policy.ifPresent(id -> detail.put(POLICY_ID, id.toString()));
        if (version > 0) {
            detail.put(VERSION, Long.toString(version));
        }
        // Today a caller is a team token; the actor names it so, never by the token itself.
        detail.put(ACTOR, "team:" + context.team().value());
        facts.forEach((key, value) -> detail.put(key, AuditEvent.detailValue(value)));
        requestedBy.ifPresent(subject -> detail.put(AuditEvent.REQUESTED_BY, subject));
        context.actor().into(detail);
        return new AuditEvent(clock.instant(), context.team(), context.requestId(), operation, Optional.empty(),
                Optional.empty(), outcome, OptionalInt.empty(), detail);
    }
}
