package org.vpsrecovery.domain.report;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * Which audit events a report reads. Every filter is optional; {@code from} is inclusive and
 * {@code to} exclusive (UTC instants); {@code reason} matches rejected and failed events only.
 */
public record AuditEventFilter(Optional<TeamId> team, Optional<ServerId> server, Optional<Operation> operation,
                               Optional<Outcome.Kind> outcome, Optional<ReasonCode> reason,
                               Optional<Instant> from, Optional<Instant> to, Optional<RequestId> requestId) {

    public AuditEventFilter {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(requestId, "request id");
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new IllegalArgumentException("from must be before to");
        }
    }

    public static AuditEventFilter everything() {
        return new AuditEventFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public AuditEventFilter forTeam(TeamId value) {
        return new AuditEventFilter(Optional.of(value), server, operation, outcome, reason, from, to, requestId);
    }

    public AuditEventFilter forServer(ServerId value) {
        return new AuditEventFilter(team, Optional.of(value), operation, outcome, reason, from, to, requestId);
    }

    public AuditEventFilter withOperation(Operation value) {
        return new AuditEventFilter(team, server, Optional.of(value), outcome, reason, from, to, requestId);
    }

    public AuditEventFilter withOutcome(Outcome.Kind value) {
        return new AuditEventFilter(team, server, operation, Optional.of(value), reason, from, to, requestId);
    }

    public AuditEventFilter withReason(ReasonCode value) {
        return new AuditEventFilter(team, server, operation, outcome, Optional.of(value), from, to, requestId);
    }

    public AuditEventFilter between(Optional<Instant> since, Optional<Instant> until) {
        return new AuditEventFilter(team, server, operation, outcome, reason, since, until, requestId);
    }

    public AuditEventFilter forRequest(RequestId value) {
        return new AuditEventFilter(team, server, operation, outcome, reason, from, to, Optional.of(value));
    }

    /** Whether one recorded event passes every filter (in-memory reports and tests). */
    public boolean matches(RecordedAuditEvent recorded) {
        AuditEvent e = recorded.event();
        return team.map(e.team()::equals).orElse(true)
                && server.map(s -> e.server().map(s::equals).orElse(false)).orElse(true)
                && operation.map(o -> e.operation() == o).orElse(true)
                && outcome.map(o -> e.outcome().kind() == o).orElse(true)
                && reason.map(r -> reasonOf(e.outcome()).map(r::equals).orElse(false)).orElse(true)
                && from.map(f -> !e.occurredAt().isBefore(f)).orElse(true)
                && to.map(t -> e.occurredAt().isBefore(t)).orElse(true)
                && requestId.map(e.requestId()::equals).orElse(true);
    }

    public static Optional<ReasonCode> reasonOf(Outcome outcome) {
        return outcome.reasonCode();
    }
}
