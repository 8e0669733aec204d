package org.vpsrecovery.domain.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * One page of the audit history, newest first: the events passing {@code filter} older than the
 * keyset cursor {@code beforeSequence}, at most {@code limit}.
 */
public record AuditQuery(AuditEventFilter filter, OptionalLong beforeSequence, int limit) {

    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(beforeSequence, "before sequence");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_LIMIT);
        }
    }

    /** Everything, newest first, one page of {@code limit}. */
    public static AuditQuery latest(int limit) {
        return new AuditQuery(AuditEventFilter.everything(), OptionalLong.empty(), limit);
    }

    public AuditQuery forTeam(TeamId value) {
        return new AuditQuery(filter.forTeam(value), beforeSequence, limit);
    }

    public AuditQuery forServer(ServerId value) {
        return new AuditQuery(filter.forServer(value), beforeSequence, limit);
    }

    public AuditQuery withOperations(Set<Operation> value) {
        return new AuditQuery(filter.withOperations(value), beforeSequence, limit);
    }

    public AuditQuery withOutcome(Outcome.Kind value) {
        return new AuditQuery(filter.withOutcome(value), beforeSequence, limit);
    }

    public AuditQuery forRequest(RequestId value) {
        return new AuditQuery(filter.forRequest(value), beforeSequence, limit);
    }

    public AuditQuery since(Instant value) {
        return new AuditQuery(filter.between(Optional.of(value), filter.to()), beforeSequence, limit);
    }

    public AuditQuery until(Instant value) {
        return new AuditQuery(filter.between(filter.from(), Optional.of(value)), beforeSequence, limit);
    }

    public AuditQuery before(long sequence) {
        return new AuditQuery(filter, OptionalLong.of(sequence), limit);
    }

    /** Whether one recorded event belongs to this page's range (in-memory histories and tests). */
    public boolean matches(RecordedAuditEvent recorded) {
        return filter.matches(recorded)
                && (beforeSequence.isEmpty() || recorded.sequence() < beforeSequence.getAsLong());
    }
}
