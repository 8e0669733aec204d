package org.vpsrecovery.application.change;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.change.PendingChange;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;

/**
 * The audit events of a pending change's approval steps (ADR 0043), as ADR 0040's for operations: the change
 * named in {@code approval_of} (never {@code attempt_id}), what it changes in {@code change_kind} and the
 * hold or policy it is about.
 */
final class ChangeEvents {

    static final String CHANGE_KIND = "change_kind";

    private ChangeEvents() {
    }

    static AuditEvent step(Operation step, PendingChange change, Actor actor, RequestId requestId, Outcome outcome,
                           Instant at, Optional<String> reason, String message) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put(AuditEvent.APPROVAL_OF, change.id().toString());
        detail.put(AuditEvent.APPROVAL_EXPIRES_AT, change.approval().expiresAt().toString());
        detail.put(CHANGE_KIND, change.kind().name().toLowerCase(Locale.ROOT));
        change.hold().ifPresent(hold -> detail.put(AuditEvent.HOLD_ID, hold.toString()));
        change.policy().ifPresent(policy -> detail.put(AuditEvent.POLICY_ID, policy.toString()));
        change.policyVersion().ifPresent(version -> detail.put(AuditEvent.POLICY_VERSION, Long.toString(version)));
        if (step != Operation.REQUEST_APPROVAL) {
            detail.put(AuditEvent.REQUESTED_BY, change.approval().requester().subject());
        }
        reason.ifPresent(text -> detail.put(AuditEvent.APPROVAL_REASON, AuditEvent.detailValue(text)));
        detail.put(AuditEvent.MESSAGE, AuditEvent.detailValue(message));
        actor.into(detail);
        return new AuditEvent(at, change.team(), requestId, step, change.server(), change.point(), outcome,
                OptionalInt.empty(), detail);
    }

    /**
     * A request for a change refused before any change was made of it (only a person asks, ADR 0040): audited as
     * that change's own refusal, about nothing yet looked up.
     */
    static AuditEvent askRefused(Operation kind, TeamId team, Actor asker, RequestId requestId, Instant at,
                                 RecoveryException refused) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put(AuditEvent.MESSAGE, AuditEvent.detailValue(refused.getMessage()));
        asker.into(detail);
        return new AuditEvent(at, team, requestId, kind, Optional.empty(), Optional.empty(),
                new Outcome.Rejected(refused.reason()), OptionalInt.empty(), detail);
    }
}
