package org.vpsrecovery.domain.audit;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * Which audit events to read: the one filter of the history's queries and the auditors' reports.
 * Every part is optional; {@code operations} empty means any operation; {@code from} is inclusive
 * and {@code to} exclusive (UTC instants); {@code reason} matches events that carry a reason code;
 * {@code actorSubject} events whose {@link Actor} has that subject exactly (ADR 0034).
 */
public record AuditEventFilter(Optional<TeamId> team, Optional<ServerId> server, Set<Operation> operations,
                               Optional<Outcome.Kind> outcome, Optional<ReasonCode> reason,
                               Optional<Instant> from, Optional<Instant> to, Optional<RequestId> requestId,
                               Optional<String> actorSubject) {

    public AuditEventFilter {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(operations, "operations");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(actorSubject, "actor subject (may be empty, not null)");
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new IllegalArgumentException("from must be before to");
        }
        operations = operations.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(operations));
    }

    public static AuditEventFilter everything() {
        return new AuditEventFilter(Optional.empty(), Optional.empty(), Set.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public AuditEventFilter forTeam(TeamId value) {
        return new AuditEventFilter(Optional.of(value), server, operations, outcome, reason, from, to, requestId, actorSubject);
    }

    public AuditEventFilter forServer(ServerId value) {
        return new AuditEventFilter(team, Optional.of(value), operations, outcome, reason, from, to, requestId, actorSubject);
    }

    public AuditEventFilter withOperation(Operation value) {
        return withOperations(Set.of(value));
    }

    public AuditEventFilter withOperations(Set<Operation> value) {
        return new AuditEventFilter(team, server, value, outcome, reason, from, to, requestId, actorSubject);
    }

    public AuditEventFilter withOutcome(Outcome.Kind value) {
        return new AuditEventFilter(team, server, operations, Optional.of(value), reason, from, to, requestId, actorSubject);
    }

    public AuditEventFilter withReason(ReasonCode value) {
        return new AuditEventFilter(team, server, operations, outcome, Optional.of(value), from, to, requestId, actorSubject);
    }

    public AuditEventFilter between(Optional<Instant> since, Optional<Instant> until) {
        return new AuditEventFilter(team, server, operations, outcome, reason, since, until, requestId, actorSubject);
    }

    public AuditEventFilter forRequest(RequestId value) {
        return new AuditEventFilter(team, server, operations, outcome, reason, from, to, Optional.of(value), actorSubject);
    }

    /** Whether one recorded event passes every part (in-memory histories, reports and tests). */
    public boolean matches(RecordedAuditEvent recorded) {
        AuditEvent e = recorded.event();
        return team.map(e.team()::equals).orElse(true)
                && server.map(s -> e.server().map(s::equals).orElse(false)).orElse(true)
                && (operations.isEmpty() || operations.contains(e.operation()))
                && outcome.map(o -> e.outcome().kind() == o).orElse(true)
                && reason.map(r -> e.outcome().reasonCode().map(r::equals).orElse(false)).orElse(true)
                && from.map(f -> !e.occurredAt().isBefore(f)).orElse(true)
                && to.map(t -> e.occurredAt().isBefore(t)).orElse(true)
                && requestId.map(e.requestId()::equals).orElse(true)
                && actorSubject.map(subject -> subject.equals(e.detail().get(Actor.SUBJECT))).orElse(true);
    }

    public AuditEventFilter byActor(String subject) {
        return new AuditEventFilter(team, server, operations, outcome, reason, from, to, requestId, Optional.of(subject));
    }
}
