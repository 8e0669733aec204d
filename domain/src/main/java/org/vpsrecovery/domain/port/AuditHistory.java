package org.vpsrecovery.domain.port;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.LaterReleaseEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The append-only audit history. Nothing in it is ever changed or removed. Every event is chained
 * to the one before it ({@link org.vpsrecovery.domain.audit.AuditChain}), so changes made behind
 * the history's back show up in {@link #verifyChain()}. Times are kept to the microsecond. A read that meets a stored
 * event that no longer reads as one throws {@link AuditEventAltered} naming its sequence (ADR 0005, amended in
 * session 40); {@link #verifyChain()} reports it instead.
 */
public interface AuditHistory {

    int MAX_PENDING_PAGE = 1000;

    /**
     * Appends one event durably and returns it as stored (time truncated to microseconds) with its
     * position; positions are 1, 2, 3, ... in chain order, without gaps. An attempt ends once: a final outcome
     * ({@link Outcome.Kind#settlesAttempt}) of an attempt id whose final outcome is on record is refused with {@link
     * AttemptAlreadyEnded}, whoever wrote the first (another instance, the tracker, a flush of kept events; ADR 0142).
     */
    RecordedAuditEvent append(AuditEvent event);

    /**
     * Appends {@code events} durably in their order and returns them as stored. A store may write them as one batch,
     * all or none (the PostgreSQL history: one statement, one flush); this default appends them one at a time, so a
     * failure may leave the first ones written. A caller that must not write one twice looks for it before trying
     * again, as after any append whose answer was lost. A second final outcome of an attempt ({@link #append}) is
     * refused with {@link AttemptAlreadyEnded}; a store that writes the batch as one writes none of it then.
     */
    default List<RecordedAuditEvent> appendAll(List<AuditEvent> events) {
        List<RecordedAuditEvent> written = new ArrayList<>(events.size());
        for (AuditEvent event : events) {
            written.add(append(event));
        }
        return List.copyOf(written);
    }

    /**
     * Events matching the query, newest (highest sequence) first, at most {@code query.limit()}. A row a later release
     * wrote under a name this release does not know, whose hash holds, is skipped (the read goes on past it): a read
     * that must not judge a history it cannot read whole reads {@link #entries} (ADR 0005, amended in session 49).
     */
    List<RecordedAuditEvent> query(AuditQuery query);

    /**
     * The rows {@link #query} reads, newest first, at most {@code query.limit()}, with those a later release wrote
     * under a name this release does not know (their hashes holding) handed out as {@link LaterReleaseEvent}s where
     * {@link #query} skips them: for a read that judges what the history holds of something, which a skipped row would
     * make it judge wrongly (the drift scan; ADR 0005, amended in session 50). A row's own names decide whether it
     * matches the query's operations, outcome and reason, so one whose operation a later release named matches none.
     * This default serves a store that holds no such rows.
     */
    default List<AuditHistoryEntry> entries(AuditQuery query) {
        return List.copyOf(query(query));
    }

    /** The operations {@link #restoreEvents} reads. */
    Set<Operation> RESTORES = Set.of(Operation.RESTORE_SNAPSHOT, Operation.RESTORE_SERVER_FROM_BACKUP);

    /**
     * The restore events of {@code server} from {@code since} on (inclusive), newest first, at most {@code limit}: the
     * answer of {@link #query} for that filter. A delete and a restore read it under the server's lock (restores
     * written before operations existed, ADR 0072), so a store may answer it in one statement (ADR 0106).
     */
    default List<RecordedAuditEvent> restoreEvents(ServerId server, Instant since, int limit) {
        return query(AuditQuery.latest(limit).forServer(server).withOperations(RESTORES).since(since));
    }

    /**
     * One attempt's intent ({@code ACCEPTED}) and final outcomes ({@link Outcome.Kind#settlesAttempt}): the events of
     * {@code operation} on {@code server} under {@code request} from {@code since} on (inclusive) that carry {@code
     * attemptId} ({@link AuditEvent#ATTEMPT_ID}) and are of those kinds, newest first, at most {@code limit}; what
     * {@link #query} for that filter holds of them, read to its end. The tracker reads it for each operation it ends
     * (ADR 0048, 0093): the request id is the caller's and may be shared by any number of requests (ADR 0027), the
     * attempt id is one attempt's, so a store may find these events by the attempt id alone (ADR 0108).
     */
    default List<RecordedAuditEvent> attemptEvents(ServerId server, RequestId request, Operation operation,
                                                   String attemptId, Instant since, int limit) {
        requireAttemptLimit(limit);
        AuditQuery range = AuditQuery.latest(AuditQuery.MAX_LIMIT).forServer(server).forRequest(request)
                .withOperations(Set.of(operation)).since(since);
        List<RecordedAuditEvent> found = new ArrayList<>();
        OptionalLong before = OptionalLong.empty();
        while (found.size() < limit) {
            List<RecordedAuditEvent> page = query(before.isEmpty() ? range : range.before(before.getAsLong()));
            page.stream().filter(e -> isAttemptEvent(e.event(), attemptId)).limit(limit - found.size())
                    .forEach(found::add);
            if (page.size() < range.limit()) {
                break;
            }
            before = OptionalLong.of(page.get(page.size() - 1).sequence());
        }
        return List.copyOf(found);
    }

    /**
     * One attempt's intents ({@code ACCEPTED}) and final outcomes ({@link Outcome.Kind#settlesAttempt}) wherever they are
     * filed (any team, server, operation or request id), newest first, at most {@code limit}: whether a request that left
     * no answer got as far as a change (its attempt id is the request's operation id, drawn for it alone; ADR 0027,
     * amended in session 40). A store finds them by the attempt id alone; this default reads the whole history. Rows of
     * the attempt a later release wrote under a name this release does not know, whose hashes hold, are among them as
     * {@link LaterReleaseEvent}s, never skipped: such a row may be the only trace that the request acted, and a caller
     * must not take the attempt for one that never got to a change (ADR 0027, amended in session 49).
     */
    default List<AuditHistoryEntry> attemptEvents(String attemptId, int limit) {
        requireAttemptLimit(limit);
        AuditQuery all = AuditQuery.latest(AuditQuery.MAX_LIMIT);
        List<AuditHistoryEntry> found = new ArrayList<>();
        OptionalLong before = OptionalLong.empty();
        while (found.size() < limit) {
            List<RecordedAuditEvent> page = query(before.isEmpty() ? all : all.before(before.getAsLong()));
            page.stream().filter(e -> isAttemptEvent(e.event(), attemptId)).limit(limit - found.size())
                    .forEach(found::add);
            if (page.size() < all.limit()) {
                break;
            }
            before = OptionalLong.of(page.get(page.size() - 1).sequence());
        }
        return List.copyOf(found);
    }

    /** Whether {@code event} is one {@link #attemptEvents} returns for {@code attemptId}. */
    static boolean isAttemptEvent(AuditEvent event, String attemptId) {
        Outcome.Kind kind = event.outcome().kind();
        return (kind == Outcome.Kind.ACCEPTED || kind.settlesAttempt())
                && event.attemptId().filter(attemptId::equals).isPresent();
    }

    /**
     * Intents without an outcome: {@code ACCEPTED} events that happened before {@code acceptedBefore}
     * and have no later final ({@code COMPLETED}, {@code FAILED} or {@code UNVERIFIABLE}) event of
     * the same attempt (its attempt id, or request id and operation for older rows), and that no open operation follows (an operation whose id is the intent's attempt
     * id, not yet final: the tracker ends those). Oldest first, at most {@code limit}
     * (1-{@value #MAX_PENDING_PAGE}). A reconciler checks these against the provider, or against
     * their ended operation, and appends the outcome it finds.
     */
    default List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, int limit) {
        return pendingIntents(acceptedBefore, 0, limit);
    }

    /**
     * As above, only those whose sequence is after {@code afterSequence} (0: from the first): a reconciliation whose run
     * was cut short carries on after the last intent it reached, so intents it reached and could not settle yet do not
     * fill every later run's page ahead of those it never reached (ADR 0024, amended in session 45). A store that walks
     * a long settled history to the first intent without an outcome a bounded stretch per call may answer none before
     * its walk is through; the next call carries on where it stopped (ADR 0076, amended in session 46).
     */
    List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, long afterSequence, int limit);

    /** Walks the whole chain and reports it intact, or the first position where it breaks and why. */
    ChainVerification verifyChain();

    /**
     * Walks the events after {@code sequence}, taking {@code hash} as the hash stored there (a checkpoint
     * the caller compared with the chain), then the head. A store that cannot start mid-chain walks it
     * all, which answers the same for an intact chain and never less.
     */
    default ChainVerification verifyChainAfter(long sequence, ChainHash hash) {
        return verifyChain();
    }

    static void requireAttemptLimit(int limit) {
        if (limit < 1 || limit > AuditQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1-" + AuditQuery.MAX_LIMIT);
        }
    }

    static void requirePendingLimit(int limit) {
        if (limit < 1 || limit > MAX_PENDING_PAGE) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_PENDING_PAGE);
        }
    }
}
