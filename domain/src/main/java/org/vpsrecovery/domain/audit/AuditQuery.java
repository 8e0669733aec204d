package org.vpsrecovery.domain.audit;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * A filter over the audit history, newest first. Empty filters match everything; {@code operations}
 * empty means any operation. {@code from} is inclusive, {@code to} exclusive; {@code beforeSequence}
 * is the keyset cursor (events older than that position).
 */
public record AuditQuery(Optional<TeamId> team, Optional<ServerId> server, Set<Operation> operations,
                         Optional<Outcome.Kind> outcome, Optional<RequestId> requestId,
                         Optional<Instant> from, Optional<Instant> to, OptionalLong beforeSequence, int limit) {

    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(operations, "operations");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(beforeSequence, "before sequence");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT);
        }
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new IllegalArgumentException("from must be before to");
        }
        operations = operations.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(operations));
    }

    /** Everything, newest first, one page of {@code limit}. */
    public static AuditQuery latest(int limit) {
        return new AuditQuery(Optional.empty(), Optional.empty(), Set.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), OptionalLong.empty(), limit);
    }

    public AuditQuery forTeam(TeamId value) {
        return new AuditQuery(Optional.of(value), server, operations, outcome, requestId, from, to, beforeSequence, limit);
    }

    public AuditQuery forServer(ServerId value) {
        return new AuditQuery(team, Optional.of(value), operations, outcome, requestId, from, to, beforeSequence, limit);
    }

    public AuditQuery withOperations(Set<Operation> value) {
        return new AuditQuery(team, server, value, outcome, requestId, from, to, beforeSequence, limit);
    }

    public AuditQuery withOutcome(Outcome.Kind value) {
        return new AuditQuery(team, server, operations, Optional.of(value), requestId, from, to, beforeSequence, limit);
    }

    public AuditQuery forRequest(RequestId value) {
        return new AuditQuery(team, server, operations, outcome, Optional.of(value), from, to, beforeSequence, limit);
    }

    public AuditQuery since(Instant value) {
        return new AuditQuery(team, server, operations, outcome, requestId, Optional.of(value), to, beforeSequence, limit);
    }

    public AuditQuery until(Instant value) {
        return new AuditQuery(team, server, operations, outcome, requestId, from, Optional.of(value), beforeSequence, limit);
    }

    public AuditQuery before(long sequence) {
        return new AuditQuery(team, server, operations, outcome, requestId, from, to, OptionalLong.of(sequence), limit);
    }

    /** Whether one recorded event passes every filter (used by in-memory histories and tests). */
    public boolean matches(RecordedAuditEvent recorded) {
        AuditEvent e = recorded.event();
        return team.map(e.team()::equals).orElse(true)
                && server.map(s -> e.server().map(s::equals).orElse(false)).orElse(true)
                && (operations.isEmpty() || operations.contains(e.operation()))
                && outcome.map(o -> e.outcome().kind() == o).orElse(true)
                && requestId.map(e.requestId()::equals).orElse(true)
                && from.map(f -> !e.occurredAt().isBefore(f)).orElse(true)
                && to.map(t -> e.occurredAt().isBefore(t)).orElse(true)
                && (beforeSequence.isEmpty() || recorded.sequence() < beforeSequence.getAsLong());
    }
}
