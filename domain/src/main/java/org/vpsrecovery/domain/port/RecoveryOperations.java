package org.vpsrecovery.domain.port;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.server.ServerId;

/** The operations the platform follows, one per accepted attempt. */
public interface RecoveryOperations {

    int MAX_PAGE = 500;

    /** Stores a new operation (version 0); refuses an id already stored. */
    void add(RecoveryOperation operation);

    /**
     * {@link #add}, but the store need not wait for its disk (ADR 0084): only for an operation whose intent is then
     * appended durably to an audit history in the same database, whose flush makes this write durable first (one
     * write-ahead log, written in order). A crash before that flush loses the operation with its intent, and nothing
     * was asked of VPS.org. A store whose writes all wait for the disk just adds.
     */
    default void addUnflushed(RecoveryOperation operation) {
        add(operation);
    }

    /**
     * Stores {@code next} if the stored operation is still the version {@code from} was; returns
     * false (nothing written) when someone else moved it first.
     */
    boolean update(RecoveryOperation from, RecoveryOperation next);

    /**
     * {@link #update}, but the store need not wait for its disk: a crash may lose the move (ADR 0083). Only for a move
     * whose audit event is already on record durably, which the tracker redoes from that record when it finds the
     * operation where it was (an end closed as recorded, an operation VPS.org took found at VPS.org). A store whose
     * writes all wait for the disk just updates.
     */
    default boolean updateUnflushed(RecoveryOperation from, RecoveryOperation next) {
        return update(from, next);
    }

    /** {@link #add}, with {@code step}'s audit event marked owed in the same write (ADR 0040). */
    void add(RecoveryOperation operation, ApprovalStep step);

    /** {@link #update}, with {@code step}'s audit event marked owed in the same write (ADR 0040). */
    boolean update(RecoveryOperation from, RecoveryOperation next, ApprovalStep step);

    /** Operations with approval steps whose audit events are still owed, least recently updated first; at most {@code limit}. */
    List<OwedApprovalEvents> owingApprovalEvents(int limit);

    /**
     * The approval steps of operation {@code id} whose events are still owed, in the order they were taken; empty when
     * none is, or no such operation is stored. A decision writes its request's owed event first (ADR 0040, session 51).
     */
    List<ApprovalStep> owedApprovalSteps(OperationId id);

    /** The history has {@code step}'s event: it is no longer owed. Leaves the operation's version alone. */
    void approvalEventWritten(OperationId id, ApprovalStep step);

    /** An operation and the approval steps whose events it is owed, in the order they were taken. */
    record OwedApprovalEvents(RecoveryOperation operation, List<ApprovalStep> steps) {

        public OwedApprovalEvents {
            java.util.Objects.requireNonNull(operation, "operation");
            steps = List.copyOf(steps);
        }
    }

    Optional<RecoveryOperation> find(OperationId id);

    /**
     * Each of {@code ids} as {@link #find} answers it now, by id; those not stored are left out. At most
     * {@value #MAX_PAGE} ids. A store may read them all at once; the default finds them one at a time.
     */
    default Map<OperationId, RecoveryOperation> findAll(java.util.Collection<OperationId> ids) {
        requirePage(Math.max(1, ids.size()));
        Map<OperationId, RecoveryOperation> found = new java.util.LinkedHashMap<>();
        for (OperationId id : ids) {
            find(id).ifPresent(operation -> found.put(id, operation));
        }
        return found;
    }

    /** Newest first ({@link #newestFirst}'s order); empty filters mean any. At most {@code limit} (1-{@value #MAX_PAGE}). */
    default List<RecoveryOperation> list(Optional<TeamId> team, Optional<ServerId> server, Optional<OperationState> state,
                                         int limit) {
        return newestFirst(team, server, state, Optional.empty(), limit);
    }

    /**
     * Newest first: accepted later first, then the greater id (both descending; a uuid orders as its lower-case hex
     * text), so ties never skip or repeat one across pages. Empty filters mean any; only those after {@code after} in
     * that order when given (the previous page's last operation: its acceptance and id place it, whatever its state
     * now, and neither ever changes). At most {@code limit} (1-{@value #MAX_PAGE}). ADR 0024, amended in session 52.
     */
    List<RecoveryOperation> newestFirst(Optional<TeamId> team, Optional<ServerId> server, Optional<OperationState> state,
                                        Optional<RecoveryOperation> after, int limit);

    /**
     * The operations of {@code team} stored under {@code request}, newest first (then by id), at most {@code limit}
     * (1-{@value #MAX_PAGE}): found by the request id itself, however many other operations the team or its servers
     * have had since (a policy run's create, looked for by the run's request id, ADR 0036).
     */
    List<RecoveryOperation> withRequest(TeamId team, RequestId request, int limit);

    /**
     * The operations not yet final, of {@code team} when given, newest first (then by id), at most {@code limit}
     * (1-{@value #MAX_PAGE}): what is in flight, however many newer ones have ended. The default reads {@link #list}
     * once per state not final; a store may read them in one statement.
     */
    default List<RecoveryOperation> listNotFinal(Optional<TeamId> team, int limit) {
        requirePage(limit);
        return java.util.Arrays.stream(OperationState.values()).filter(state -> !state.isFinal())
                .flatMap(state -> list(team, Optional.empty(), Optional.of(state), limit).stream())
                .sorted(java.util.Comparator.comparing(RecoveryOperation::acceptedAt).reversed()
                        .thenComparing(operation -> operation.id().value()))
                .limit(limit).toList();
    }

    /**
     * Operations in {@code state} whose next check is due by {@code dueBy}, the earliest first (for one pending
     * approval, its next check is its expiry), at most {@code limit} (1-{@value #MAX_PAGE}): what is due first
     * is reached first however many wait (ADR 0040).
     */
    List<RecoveryOperation> dueIn(OperationState state, Instant dueBy, int limit);

    /**
     * The page of {@link #dueIn} after {@code after}, the last operation of the page before as it was read (its next
     * check and id then): those after it in the same order (next check, then id), at most {@code limit}
     * (1-{@value #MAX_PAGE}). A walk of every page reaches each operation due once however many wait, not only the
     * first page's (ADR 0029, amended in session 41).
     */
    List<RecoveryOperation> dueInAfter(OperationState state, Instant dueBy, RecoveryOperation after, int limit);

    /**
     * Operations not yet final whose next check is due by {@code dueBy}, grouped by server, the most
     * overdue first, at most {@code limit} in all.
     */
    Map<ServerId, List<RecoveryOperation>> openByServer(Instant dueBy, int limit);

    /**
     * What the tracker has yet to follow to an end: how many operations are open (the states {@link #openByServer}
     * reads: accepted, in progress, unresolved), due or not, and when the oldest of them was accepted; none when none is
     * open. What an alert on a stuck tracker reads (ADR 0024, amended in session 51).
     */
    record Open(long count, Optional<Instant> oldestAcceptedAt) {
        public Open {
            java.util.Objects.requireNonNull(oldestAcceptedAt, "oldest accepted at (may be empty, not null)");
            if (count < 0 || (count == 0) != oldestAcceptedAt.isEmpty()) {
                throw new IllegalArgumentException("open operations are a count and the oldest's acceptance, both or none");
            }
        }

        public static final Open NONE = new Open(0, Optional.empty());
    }

    /** The operations open now ({@link Open}). */
    Open open();

    /**
     * Restores that hold their server at {@code at}: not final, their window (deadline) not ended;
     * only those restoring {@code target} and only those reading {@code source}, when given. Newest
     * first. These are the restore holds (ADR 0026): they live here, in the operations, and nowhere else.
     */
    List<RecoveryOperation> liveRestores(Optional<ServerId> target, Optional<ResourceRef> source, Instant at);

    /**
     * The live restores ({@link #liveRestores}) restoring {@code target} or reading {@code source}, each once, newest
     * first (then by id): what a delete's check reads of both (ADR 0120). A store may read them in one statement; the
     * default reads both.
     */
    default List<RecoveryOperation> liveRestoresOfServerOrPoint(ServerId target, ResourceRef source, Instant at) {
        Map<OperationId, RecoveryOperation> both = new java.util.LinkedHashMap<>();
        java.util.stream.Stream.concat(liveRestores(Optional.of(target), Optional.empty(), at).stream(),
                        liveRestores(Optional.empty(), Optional.of(source), at).stream())
                .forEach(restore -> both.putIfAbsent(restore.id(), restore));
        return both.values().stream().sorted(java.util.Comparator.comparing(RecoveryOperation::acceptedAt).reversed()
                .thenComparing(restore -> restore.id().toString())).toList();
    }

    /**
     * Every operation about one of {@code points} (its resource), oldest first: the create that made a
     * point (whose request id names who asked for it) and the deletes and restores of it.
     */
    List<RecoveryOperation> about(java.util.Collection<ResourceRef> points);

    static void requirePage(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1-" + MAX_PAGE);
        }
    }
}
