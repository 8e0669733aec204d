package org.vpsrecovery.adapters.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.model.jpa.criteria.PersistentEntityCriteriaQuery;
import io.micronaut.data.model.jpa.criteria.impl.expression.LiteralExpression;
import io.micronaut.data.repository.jpa.criteria.CriteriaQueryBuilder;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.persistence.AuditEventRowRepository.IntentWalkMark;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.audit.LaterReleaseEvent;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditEventAltered;
import org.vpsrecovery.domain.report.AuditEventPage;
import org.vpsrecovery.domain.server.ServerId;

/**
 * How the adapters read {@code audit_event}, shared by the history and the reports: the one filter
 * ({@link AuditEventFilter}) as one criteria query, and the one mapping of a row to the domain.
 * The criteria add a predicate only for what the filter names, so each common filter stays a plain
 * equality the planner matches to its V4 index ending in {@code sequence} (ADR 0020, 0030).
 */
public final class AuditEventRows {

    private static final Logger LOG = LoggerFactory.getLogger(AuditEventRows.class);

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The outcomes V45's partial indexes hold ({@code WHERE outcome_kind IN (...)}): a page of one names it literally. */
    static final Set<Outcome.Kind> RARE_OUTCOMES = EnumSet.of(Outcome.Kind.FAILED, Outcome.Kind.UNRESOLVED,
            Outcome.Kind.UNVERIFIABLE);

    /**
     * The sequences one statement of the walk to the first unsettled intent covers: about a second of a loaded core
     * (2 M events took 19-28 s, session 46), far inside the pool's network bound (ADR 0023).
     */
    static final long WALK_WINDOW = 100_000;
    /** The windows one read of the pending intents walks at most; the next read carries on from the stored mark. */
    static final int WALK_WINDOWS_PER_READ = 5;

    private final AuditEventRowRepository rows;
    private final ChainHeadRowRepository head;
    private final long walkWindow;
    private final int walkWindowsPerRead;

    public AuditEventRows(AuditEventRowRepository rows, ChainHeadRowRepository head) {
        this(rows, head, WALK_WINDOW, WALK_WINDOWS_PER_READ);
    }

    AuditEventRows(AuditEventRowRepository rows, ChainHeadRowRepository head, long walkWindow, int walkWindowsPerRead) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.head = Objects.requireNonNull(head, "head");
        if (walkWindow < 1 || walkWindowsPerRead < 1) {
            throw new IllegalArgumentException("the walk covers at least one sequence in at least one window");
        }
        this.walkWindow = walkWindow;
        this.walkWindowsPerRead = walkWindowsPerRead;
    }

    /** The events passing {@code filter}, newest first, older than the cursor, at most {@code limit}. */
    List<RecordedAuditEvent> page(AuditEventFilter filter, OptionalLong beforeSequence, int limit) {
        return read(filter, beforeSequence, limit, false);
    }

    /** AuditHistory.restoreEvents in one statement: no sequence bounds needed, V37's index finds the few rows. */
    List<RecordedAuditEvent> restoreEvents(ServerId server, Instant since, int limit) {
        try {
            return known(rows.restoreEvents(server.value(), since, limit), "restore events");
        } catch (RuntimeException e) {
            throw DatabaseFailure.of("read restore events", e);
        }
    }

    /** AuditHistory.attemptEvents in one statement: two probes by attempt id (V47, V48), whoever shares the request id. */
    List<RecordedAuditEvent> attemptEvents(ServerId server, RequestId request, Operation operation, String attemptId,
                                           Instant since, int limit) {
        try {
            return known(rows.attemptEvents(attemptId, server.value(), request.value(), operation.name(), since, limit),
                    "an attempt's events");
        } catch (RuntimeException e) {
            throw DatabaseFailure.of("read an attempt's events", e);
        }
    }

    /**
     * AuditHistory.attemptEvents by attempt id alone, in one statement (V47, V48); a row no longer an event is refused
     * naming it ({@link #readable}), not an untyped failure a takeover would take for the database being away. A row a
     * later release wrote is handed out as such, not skipped: it may be the only trace that the attempt acted (ADR 0027,
     * amended in session 49).
     */
    List<AuditHistoryEntry> attemptEvents(String attemptId, int limit) {
        try {
            return rows.eventsOfAttempt(attemptId, limit).stream().map(AuditEventRows::entry).toList();
        } catch (RuntimeException e) {
            throw DatabaseFailure.of("read an attempt's events", e);
        }
    }

    /**
     * A batch of the export (ADR 0053): as {@link #page}, but a team is a range of one value and the
     * order is (team, sequence). With {@code team = ?} the planner drops the constant team from the order
     * and walks the primary key backwards, reading every team's events to keep one team's (1,000 rows
     * of a 50-team history read ~50,000): the whole table for one team's export. The range keeps the
     * order on (team, sequence), which only audit_event_team_sequence gives: the rows read are the rows
     * returned.
     */
    List<AuditEventRow> exportBatch(AuditEventFilter filter, OptionalLong beforeSequence, int limit) {
        // Rows, each read as an event by the export as it reaches it: the events before an altered row still go out.
        return readRows(filter, beforeSequence, limit, true, false);
    }

    /**
     * A page of the reports: at most {@code limit} events, and whether more follow. The row read past them only says
     * "more" and is not read as an event: a page ends before a row that no longer reads as one, and the page that
     * holds it names it ({@link AuditEventAltered}).
     */
    AuditEventPage reportPage(AuditEventFilter filter, OptionalLong beforeSequence, int limit) {
        List<AuditEventRow> readOneMore = readRows(filter, beforeSequence, limit + 1, false, false);
        List<AuditHistoryEntry> entries = readOneMore.stream().limit(limit).map(AuditEventRows::entry).toList();
        return readOneMore.size() > limit ? new AuditEventPage(entries, OptionalLong.of(entries.getLast().sequence()))
                : new AuditEventPage(entries, OptionalLong.empty());
    }

    /**
     * The rows of the filter, at most {@code limit}, newest first, each as this release reads it: a row a later release
     * wrote is a {@link LaterReleaseEvent}, never left out (AuditHistory.entries; ADR 0005, amended in session 50).
     */
    List<AuditHistoryEntry> entries(AuditEventFilter filter, OptionalLong beforeSequence, int limit) {
        return readRows(filter, beforeSequence, limit, false, true).stream().map(AuditEventRows::entry).toList();
    }

    /**
     * The known events of the filter, at most {@code limit}: a row a later release wrote is left out and the read goes
     * on past it, so a page is short only at the history's end, as callers that stop at a short page expect (ADR 0005,
     * amended in session 49).
     */
    private List<RecordedAuditEvent> read(AuditEventFilter filter, OptionalLong beforeSequence, int limit,
                                          boolean teamOrdered) {
        List<RecordedAuditEvent> found = new ArrayList<>();
        OptionalLong before = beforeSequence;
        while (true) {
            int wanted = limit - found.size();
            List<AuditEventRow> read = readRows(filter, before, wanted, teamOrdered, false);
            found.addAll(known(read, "audit events"));
            if (read.size() < wanted || found.size() >= limit) {
                return found;
            }
            before = OptionalLong.of(read.getLast().sequence());
        }
    }

    /**
     * The rows as the events this release knows, for the history's reads that decide (the tracker, replays, the
     * reconciliation): a row a later release wrote under a name this release does not know, whose hash holds, is
     * skipped and logged, never read as a known kind and never failing the read; it decides nothing here, so an
     * operation whose end only such a row holds stays not ended. A row whose hash does not hold is refused as altered.
     */
    private static List<RecordedAuditEvent> known(List<AuditEventRow> read, String what) {
        List<RecordedAuditEvent> known = new ArrayList<>(read.size());
        for (AuditEventRow row : read) {
            switch (entry(row)) {
                case RecordedAuditEvent recorded -> known.add(recorded);
                case LaterReleaseEvent later -> LOG.warn("Skipped audit event {} while reading {}: it holds {}, which "
                        + "this release does not know (a later release wrote it; its hash holds)", later.sequence(), what,
                        later.unknownName());
            }
        }
        return known;
    }

    /**
     * {@code unknownOperationsToo}: an operations filter also lets through rows under an operation this release does not
     * know, so that a reader of entries sees a later release's new kind of create or delete among the server's events
     * and does not judge a history it cannot read whole (the drift scan; own-merge review, session 50).
     */
    private List<AuditEventRow> readRows(AuditEventFilter filter, OptionalLong beforeSequence, int limit,
                                         boolean teamOrdered, boolean unknownOperationsToo) {
        try {
            Optional<SequenceWindow> window = window(filter);
            if (window.isEmpty()) {
                return List.of();
            }
            return rows.findAll(newestFirst(filter, window.get(), beforeSequence, limit, teamOrdered, unknownOperationsToo));
        } catch (RuntimeException e) {
            throw DatabaseFailure.of("read audit events", e);
        }
    }

    /**
     * Where the events of the filter's time range can be, in sequences (V39, ADR 0077); empty when no event can be in
     * it. Without a range, every sequence. Read before the page, in its own statement: an event committed in between
     * comes after every sequence the bounds name, so the page reads what it would have read at the bounds' moment.
     */
    private Optional<SequenceWindow> window(AuditEventFilter filter) {
        if (filter.from().isEmpty() && filter.to().isEmpty()) {
            return Optional.of(SequenceWindow.EVERY);
        }
        if (filter.requestId().isPresent()) {
            return Optional.of(SequenceWindow.IN_THE_PAGE);
        }
        // A missing start's days are read (one statement either way) and not used. A missing end reads the last
        // sequence of every day: the page ends there, so an event committed after the bounds, whatever its time (a kept
        // event written late, ADR 0141), is not let in unchecked by them (ADR 0077's "as at the bounds' moment").
        Instant from = filter.from().orElseGet(() -> filter.to().orElseThrow());
        Instant to = filter.to().orElse(from);
        AuditEventRowRepository.SequenceBounds bounds = rows.sequenceBounds(utcDay(from), utcDay(from.minusNanos(1)),
                filter.to().isPresent() ? utcDay(to.minusNanos(1)) : LAST_DAY, filter.to().isPresent() ? utcDay(to) : LAST_DAY);
        OptionalLong atLeast = OptionalLong.empty();
        OptionalLong atMost = OptionalLong.empty();
        OptionalLong fromCheckedUpTo = OptionalLong.empty();
        OptionalLong toCheckedFrom = OptionalLong.empty();
        if (filter.from().isPresent()) {
            if (bounds.from() == null) {
                return Optional.empty();
            }
            atLeast = OptionalLong.of(bounds.from());
            // Events earlier than the start are at or below beforeFrom: only there is the time itself compared.
            if (bounds.beforeFrom() != null && bounds.beforeFrom() >= bounds.from()) {
                fromCheckedUpTo = OptionalLong.of(bounds.beforeFrom());
            }
        }
        if (filter.to().isEmpty() && bounds.to() != null) {
            atMost = OptionalLong.of(bounds.to());
        }
        if (filter.to().isPresent()) {
            if (bounds.to() == null) {
                return Optional.empty();
            }
            atMost = OptionalLong.of(bounds.to());
            if (bounds.afterTo() != null && bounds.afterTo() <= bounds.to()) {
                toCheckedFrom = OptionalLong.of(bounds.afterTo());
            }
        }
        if (atLeast.isPresent() && atMost.isPresent() && atLeast.getAsLong() > atMost.getAsLong()) {
            return Optional.empty();
        }
        return Optional.of(new SequenceWindow(atLeast, atMost, fromCheckedUpTo, toCheckedFrom));
    }

    /** A day after every event's: its bounds are every day's. */
    private static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 31);

    private static LocalDate utcDay(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    /**
     * A time range as sequences: every event of the range is within {@code atLeast}-{@code atMost}; of those, only
     * the ones up to {@code fromCheckedUpTo} can be earlier than its start, and only the ones from {@code
     * toCheckedFrom} on can be at or after its end. The times are compared there alone: a range of a column the page
     * indexes already end in, with no second estimate of the same rows for the planner to multiply by the first
     * (it took a team's month at 1/12 of its size and chose to sort every event of the month: ADR 0077).
     */
    record SequenceWindow(OptionalLong atLeast, OptionalLong atMost, OptionalLong fromCheckedUpTo,
                          OptionalLong toCheckedFrom, boolean inThePage) {
        static final SequenceWindow EVERY = new SequenceWindow(OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty(), OptionalLong.empty(), false);

        /**
         * A page narrowed by a request id (the tracker's reads of one operation's events) reads its range's bounds in
         * its own statement (V46, ADR 0093), one round trip instead of two, and compares the times themselves: its
         * index is the request id's, whatever the estimates, so the form chosen for the planner's sake is not needed.
         */
        static final SequenceWindow IN_THE_PAGE = new SequenceWindow(OptionalLong.empty(), OptionalLong.empty(),
                OptionalLong.empty(), OptionalLong.empty(), true);

        SequenceWindow(OptionalLong atLeast, OptionalLong atMost, OptionalLong fromCheckedUpTo, OptionalLong toCheckedFrom) {
            this(atLeast, atMost, fromCheckedUpTo, toCheckedFrom, false);
        }
    }

    /**
     * Intents older than {@code acceptedBefore} without a final outcome, oldest first. The walk starts at the
     * first intent that had none when last looked (ADR 0076): outcomes are appended, never removed, so an
     * intent settled once stays settled, and the walk no longer grows with the whole history. The head is
     * read before the first unsettled intent is looked for: an intent committed in between comes after it. Only those
     * after {@code afterSequence}: a reconciliation cut short carries on after the last intent it reached.
     *
     * <p>The mark is stored (V66) and the walk to the first unsettled intent goes a window of sequences per statement,
     * the mark stored after each; a read walks at most {@link #WALK_WINDOWS_PER_READ} windows and, not through yet,
     * answers none: the next read carries on from the stored mark, on whichever instance (ADR 0076, amended in session
     * 46). One statement over the whole history was cut short by the pool's network bound, and the mark never moved.
     */
    List<RecordedAuditEvent> pendingIntents(Instant acceptedBefore, long afterSequence, int limit) {
        try {
            // The mark before the head: a mark another reader stored meanwhile was walked to a head at or below this one.
            IntentWalkMark known = rows.intentWalkMark().orElse(IntentWalkMark.NONE);
            // Every event up to the head is committed: appends move it and insert in one transaction, in order.
            Optional<ChainHeadRow> headRow = head.findById(ChainHeadRow.ID);
            long last = headRow.map(ChainHeadRow::lastSequence).orElse(0L);
            byte[] lastHash = headRow.map(ChainHeadRow::lastHash).orElse(new byte[0]);
            OptionalLong firstUnsettled = walkToTheFirstUnsettledIntent(known, last, lastHash);
            if (firstUnsettled.isEmpty()) {
                return List.of(); // every intent walked so far is settled; the next read walks on
            }
            return known(rows.pendingIntents(Math.max(firstUnsettled.getAsLong(), afterSequence + 1), acceptedBefore,
                    limit), "pending intents");
        } catch (RuntimeException e) {
            throw DatabaseFailure.of("list pending intents", e);
        }
    }

    /**
     * The first intent up to {@code last} without a final outcome ({@code last + 1}: none), walked from the stored mark
     * {@code known} a window at a time, the mark stored after each; empty when the windows of one read end before it.
     */
    private OptionalLong walkToTheFirstUnsettledIntent(IntentWalkMark known, long last, byte[] lastHash) {
        boolean onTheSameChain = onTheSameChain(known, last, lastHash);
        long from = onTheSameChain ? known.settledBelow() : 0;
        IntentWalkMark stored = onTheSameChain ? known : null;
        for (int window = 0; window < walkWindowsPerRead; window++) {
            long upTo = Math.min(last, from + walkWindow - 1);
            long settledBelow = from > upTo ? from : rows.firstUnsettledIntent(from, upTo).orElse(upTo + 1);
            if (stored == null || settledBelow != stored.settledBelow()) {
                // Another reader's move meanwhile (0 rows) is as true as this one: the next read starts from it.
                rows.moveIntentWalkMark(settledBelow, last, lastHash, known.settledBelow(), known.headSequence());
                known = new IntentWalkMark(settledBelow, last, lastHash);
                stored = known;
            }
            if (settledBelow <= upTo || upTo >= last) {
                return OptionalLong.of(settledBelow);
            }
            from = settledBelow;
        }
        return OptionalLong.empty();
    }

    /**
     * Whether the mark is of the chain whose head is {@code last} with {@code lastHash}: found at that head, or at an
     * earlier one whose hash is still stored at its sequence (one read by primary key). A database restored to an earlier
     * point takes the stored mark back with it; a history that went back without it (its events cut back, then appended
     * again, so another hash at the mark's head) or a mark past the head is walked again from the first event.
     */
    private boolean onTheSameChain(IntentWalkMark known, long last, byte[] lastHash) {
        if (known.settledBelow() > last + 1) {
            return false;
        }
        if (known.headSequence() == 0) {
            return true; // nothing walked yet, or a walk of an empty history
        }
        if (known.headSequence() == last) {
            return Arrays.equals(known.headHash(), lastHash);
        }
        return known.headSequence() < last && rows.hashesAt(List.of(known.headSequence())).stream()
                .anyMatch(stored -> Arrays.equals(stored.hash(), known.headHash()));
    }

    List<AuditEventRowRepository.ActivityRow> recoveryActivity(List<Long> servers, Optional<TeamId> byTeam) {
        try {
            return byTeam.isPresent() ? rows.recoveryActivityOfTeam(servers, byTeam.get().value())
                    : rows.recoveryActivity(servers);
        } catch (RuntimeException e) {
            throw DatabaseFailure.of("read the recovery activity", e);
        }
    }

    static CriteriaQueryBuilder<AuditEventRow> newestFirst(AuditEventFilter filter, SequenceWindow window,
                                                           OptionalLong beforeSequence, int limit, boolean teamOrdered) {
        return newestFirst(filter, window, beforeSequence, limit, teamOrdered, false);
    }

    static CriteriaQueryBuilder<AuditEventRow> newestFirst(AuditEventFilter filter, SequenceWindow window,
                                                           OptionalLong beforeSequence, int limit, boolean teamOrdered,
                                                           boolean unknownOperationsToo) {
        return cb -> {
            @SuppressWarnings("unchecked")
            PersistentEntityCriteriaQuery<AuditEventRow> query =
                    (PersistentEntityCriteriaQuery<AuditEventRow>) cb.createQuery(AuditEventRow.class);
            Root<AuditEventRow> row = query.from(AuditEventRow.class);
            List<Predicate> where = new ArrayList<>();
            boolean byTeam = teamOrdered && filter.team().isPresent();
            filter.team().ifPresent(team -> where.add(byTeam
                    ? cb.between(row.<String>get("team"), team.value(), team.value())
                    : cb.equal(row.get("team"), team.value())));
            filter.server().ifPresent(server -> where.add(cb.equal(row.get("serverId"), server.value())));
            if (unknownOperationsToo && !filter.operations().isEmpty()) {
                where.add(cb.or(
                        row.get("operation").in(filter.operations().stream().map(Operation::name).sorted().toList()),
                        cb.not(row.get("operation").in(Arrays.stream(Operation.values()).map(Operation::name).sorted()
                                .toList()))));
            } else if (filter.operations().size() == 1) {
                // Equality, not IN: the planner matches it to the (team, operation, sequence) index.
                where.add(cb.equal(row.get("operation"), filter.operations().iterator().next().name()));
            } else if (!filter.operations().isEmpty()) {
                where.add(row.get("operation").in(filter.operations().stream().map(Operation::name).sorted().toList()));
            }
            filter.outcome().ifPresent(kind -> where.add(RARE_OUTCOMES.contains(kind)
                    // In the SQL text: a prepared statement's generic plan (pgjdbc's from its sixth execution)
                    // cannot prove V45's partial predicate from a bound value (ADR 0085). Enum names: no injection.
                    // Not cb.literal: the runtime builder binds that as a parameter; a LiteralExpression is written.
                    ? cb.equal(row.get("outcomeKind"), new LiteralExpression<>(kind.name()))
                    : cb.equal(row.get("outcomeKind"), kind.name())));
            filter.reason().ifPresent(reason -> where.add(cb.equal(row.get("outcomeReason"), reason.name())));
            // The time range as sequences (V39, ADR 0077); the times compared only where the days' bounds leave a doubt.
            window.atLeast().ifPresent(first -> where.add(cb.greaterThanOrEqualTo(row.<Long>get("sequence"), first)));
            window.atMost().ifPresent(last -> where.add(cb.lessThanOrEqualTo(row.<Long>get("sequence"), last)));
            window.fromCheckedUpTo().ifPresent(upTo -> where.add(cb.or(
                    cb.greaterThan(row.<Long>get("sequence"), upTo),
                    cb.greaterThanOrEqualTo(row.<Instant>get("occurredAt"), filter.from().orElseThrow()))));
            window.toCheckedFrom().ifPresent(checkedFrom -> where.add(cb.or(
                    cb.lessThan(row.<Long>get("sequence"), checkedFrom),
                    cb.lessThan(row.<Instant>get("occurredAt"), filter.to().orElseThrow()))));
            if (window.inThePage()) {
                // The same bounds as window()'s (ADR 0077), by V46's functions: the range starts at the first sequence
                // of the days from `from`'s on, ends at the last of the days up to that of `to` minus 1 ns.
                filter.from().ifPresent(from -> {
                    where.add(cb.greaterThanOrEqualTo(row.<Long>get("sequence"),
                            cb.function("audit_sequence_from", Long.class, cb.literal(utcDay(from)))));
                    where.add(cb.greaterThanOrEqualTo(row.<Instant>get("occurredAt"), from));
                });
                filter.to().ifPresent(to -> {
                    where.add(cb.lessThanOrEqualTo(row.<Long>get("sequence"),
                            cb.function("audit_sequence_up_to", Long.class, cb.literal(utcDay(to.minusNanos(1))))));
                    where.add(cb.lessThan(row.<Instant>get("occurredAt"), to));
                });
            }
            filter.requestId().ifPresent(id -> where.add(cb.equal(row.get("requestId"), id.value())));
            // The same expression as V15's index on the actor's subject in the chained detail (ADR 0034), its key
            // written in the SQL: bound, a generic plan's expression would not be the index's (as ADR 0085's kinds).
            filter.actorSubject().ifPresent(subject -> where.add(cb.equal(cb.function("jsonb_extract_path_text",
                    String.class, row.get("detail"), new LiteralExpression<>(Actor.SUBJECT)), subject)));
            beforeSequence.ifPresent(before -> where.add(cb.lessThan(row.<Long>get("sequence"), before)));
            query.select(row);
            if (!where.isEmpty()) {
                query.where(where.toArray(Predicate[]::new));
            }
            if (byTeam) {
                query.orderBy(cb.desc(row.get("team")), cb.desc(row.get("sequence")));
            } else {
                query.orderBy(cb.desc(row.get("sequence")));
            }
            return query.limit(limit);
        };
    }

    /**
     * The row as a domain event for a read of the history (pages, the export, the tracker's reads): a row that no
     * longer reads as one, or whose time no event can have (PostgreSQL's 'infinity', which the chain's encoding cannot
     * hold), is {@link AuditEventAltered} at its sequence, as the walk reports it {@code ALTERED_EVENT}; never an
     * untyped failure answered 500 (ADR 0005, amended in session 40).
     */
    static RecordedAuditEvent readable(AuditEventRow r) {
        if (entry(r) instanceof RecordedAuditEvent recorded) {
            return recorded;
        }
        throw new AuditEventAltered(r.sequence(), "it holds a name this release does not know");
    }

    /**
     * The row as this release reads it: an event it knows; or, when it holds a name a later release added and its hash
     * holds over its stored parts, a {@link LaterReleaseEvent} keeping its names as stored (ADR 0005, amended in session
     * 49); otherwise {@link AuditEventAltered} at its sequence, as {@link #readable}.
     */
    static AuditHistoryEntry entry(AuditEventRow r) {
        try {
            RecordedAuditEvent recorded = toRecorded(r);
            AuditChain.epochMicros(recorded.event().occurredAt());
            return recorded;
        } catch (RuntimeException e) {
            // The row is in memory: whatever it throws is the row's, not the database's.
            Optional<LaterReleaseEvent> later = laterReleaseEvent(r);
            if (later.isPresent()) {
                return later.get();
            }
            throw new AuditEventAltered(r.sequence(), ChainVerifier.notAnEvent(e));
        }
    }

    /** The row as a {@link LaterReleaseEvent} when it holds a later release's name and its hash holds. */
    private static Optional<LaterReleaseEvent> laterReleaseEvent(AuditEventRow r) {
        Optional<String> name = laterReleasesName(r);
        if (name.isEmpty()) {
            return Optional.empty();
        }
        try {
            AuditChain.epochMicros(r.occurredAt());
            // Its other stored parts as stored (its hash holds over them): shown whole, never guessed (session 50).
            return Optional.of(new LaterReleaseEvent(r.sequence(), r.occurredAt(), new TeamId(r.team()),
                    new RequestId(r.requestId()), Optional.ofNullable(r.serverId()).map(ServerId::new), r.operation(),
                    r.outcomeKind(), Optional.ofNullable(r.outcomeReason()), name.get(),
                    Optional.ofNullable(r.resourceType()), Optional.ofNullable(r.resourceId()),
                    Optional.ofNullable(r.outcomeCause()),
                    r.providerStatus() == null ? OptionalInt.empty() : OptionalInt.of(r.providerStatus()),
                    detail(r.detail())));
        } catch (RuntimeException notEvenThat) {
            // Its common parts are no event's (a team no append writes): altered whatever its names.
            return Optional.empty();
        }
    }

    /**
     * A name the row holds that this release does not know (written by a later release: deploy.md, "Rolling out a new
     * version"), as "the operation X", when its hash holds over its stored parts; empty when the row holds no such name,
     * or its content no longer hashes to its stored hash (then it is altered). ADR 0005, amended in session 48.
     */
    static Optional<String> laterReleasesName(AuditEventRow r) {
        Optional<String> unknown = unknown("the operation", r.operation(), Operation.class)
                .or(() -> unknown("the outcome", r.outcomeKind(), Outcome.Kind.class))
                .or(() -> unknown("the reason", r.outcomeReason(), ReasonCode.class))
                .or(() -> unknown("the resource type", r.resourceType(), ResourceRef.Type.class));
        if (unknown.isEmpty()) {
            return unknown;
        }
        try {
            AuditChain.StoredParts parts = new AuditChain.StoredParts(r.occurredAt(), r.team(), r.requestId(),
                    r.operation(), r.serverId(), r.resourceType(), r.resourceId(), r.outcomeKind(), r.outcomeReason(),
                    r.outcomeCause(), r.providerStatus() == null ? null : r.providerStatus().intValue(),
                    detail(r.detail()));
            ChainHash recomputed = AuditChain.link(ChainHash.of(r.previousHash()), r.sequence(), parts);
            return recomputed.equals(ChainHash.of(r.hash())) ? unknown : Optional.empty();
        } catch (RuntimeException notAnEventEither) {
            return Optional.empty();
        }
    }

    /** How a stored name is written; compiled once, as a rolled-back release meets it on every such row it walks. */
    private static final java.util.regex.Pattern STORED_NAME = java.util.regex.Pattern.compile("[A-Z][A-Z0-9_]{0,99}");

    /** Whether {@code name} is written as a stored name is (capitals, digits, '_'). */
    static boolean isStoredName(String name) {
        return STORED_NAME.matcher(name).matches();
    }

    /** {@code what} and its name when it is written as a name is (capitals, digits, '_') and is none of {@code known}. */
    private static <E extends Enum<E>> Optional<String> unknown(String what, @Nullable String name, Class<E> known) {
        if (name == null || !STORED_NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        for (E constant : known.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return Optional.empty();
            }
        }
        return Optional.of(what + " " + name);
    }

    /** The row as a domain event; {@link IllegalArgumentException} when it no longer reads as one. */
    static RecordedAuditEvent toRecorded(AuditEventRow r) {
        return new RecordedAuditEvent(r.sequence(), event(r.occurredAt(), r.team(), r.requestId(), r.operation(),
                r.serverId(), r.resourceType(), r.resourceId(), r.outcomeKind(), r.outcomeReason(), r.outcomeCause(),
                r.providerStatus() == null ? null : r.providerStatus().intValue(), detail(r.detail())));
    }

    /**
     * The one reading of an event's stored parts (a row's columns, a kept event's fields: ADR 0141), null where a part
     * is absent; {@link IllegalArgumentException} when they no longer read as one.
     */
    public static AuditEvent event(Instant occurredAt, String team, String requestId, String operation,
                                   @Nullable Long serverId, @Nullable String resourceType, @Nullable Long resourceId,
                                   String outcomeKind, @Nullable String outcomeReason, @Nullable String outcomeCause,
                                   @Nullable Integer providerStatus, Map<String, String> detail) {
        if ((resourceType == null) != (resourceId == null)) {
            throw new IllegalArgumentException("a resource is a type and an id, both or neither");
        }
        Optional<ResourceRef> resource = resourceType == null ? Optional.empty()
                : Optional.of(new ResourceRef(ResourceRef.Type.valueOf(resourceType), resourceId));
        Outcome outcome = Outcome.of(Outcome.Kind.valueOf(outcomeKind),
                Optional.ofNullable(outcomeReason).map(ReasonCode::valueOf), Optional.ofNullable(outcomeCause));
        OptionalInt status = providerStatus == null ? OptionalInt.empty() : OptionalInt.of(providerStatus);
        return new AuditEvent(occurredAt, new TeamId(team), new RequestId(requestId), Operation.valueOf(operation),
                Optional.ofNullable(serverId).map(ServerId::new), resource, outcome, status, detail);
    }

    private static Map<String, String> detail(String json) {
        JsonNode object;
        try {
            object = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("detail is not JSON", e);
        }
        Map<String, String> detail = new TreeMap<>();
        for (Map.Entry<String, JsonNode> entry : object.properties()) {
            // A JSON null or non-text value can only come from outside the application.
            if (!entry.getValue().isTextual()) {
                throw new IllegalArgumentException("detail " + entry.getKey() + " is not text");
            }
            detail.put(entry.getKey(), entry.getValue().textValue());
        }
        return detail;
    }
}
