package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.AttemptAlreadyEnded;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * What every {@link AuditHistory} must do, run against each implementation (the in-memory fake
 * here; the PostgreSQL adapter in its module). {@link #emptyHistory()} gives a fresh, empty one.
 */
public abstract class AuditHistoryContract {

    protected static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
    protected static final TeamId BLUE = new TeamId("blue");
    protected static final TeamId GREEN = new TeamId("green");
    protected static final ServerId SERVER = new ServerId(12345);

    protected abstract AuditHistory emptyHistory();

    /**
     * Stores {@code accepted}, moved on to {@code now} (one move at most), where the platform keeps
     * its operations, beside the history last returned by {@link #emptyHistory()} (the same
     * database, for the real one).
     */
    protected abstract void operationStored(RecoveryOperation accepted, RecoveryOperation now);

    /** The stored operation {@code before} moved to {@code now}, as the tracker moves it. */
    protected abstract void operationMoved(RecoveryOperation before, RecoveryOperation now);

    protected static AuditEvent event(TeamId team, String requestId, Instant at, Outcome outcome) {
        return new AuditEvent(at, team, new RequestId(requestId), Operation.CREATE_SNAPSHOT, Optional.of(SERVER),
                Optional.of(ResourceRef.of(new SnapshotId(801))), outcome, OptionalInt.of(201),
                Map.of("name", "pre-migration-snapshot"));
    }

    @Test
    void appendReturnsTheEventWithGrowingPositions() {
        AuditHistory history = emptyHistory();
        AuditEvent first = event(BLUE, "r-1", T0, new Outcome.Accepted());
        AuditEvent second = event(BLUE, "r-1", T0.plusSeconds(1), new Outcome.Completed());

        RecordedAuditEvent a = history.append(first);
        RecordedAuditEvent b = history.append(second);

        assertThat(a.event()).isEqualTo(first);
        assertThat(b.event()).isEqualTo(second);
        assertThat(b.sequence()).isGreaterThan(a.sequence());
    }

    @Test
    void queryReturnsEveryFieldAsAppendedNewestFirst() {
        AuditHistory history = emptyHistory();
        AuditEvent failed = new AuditEvent(T0.plusMillis(250), GREEN, new RequestId("req-9"),
                Operation.RESTORE_SERVER_FROM_BACKUP, Optional.of(new ServerId(7)), Optional.empty(),
                new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE, "provider answered 503"), OptionalInt.of(503),
                Map.of("backup_id", "501", "note", "quotes \" and, commas"));
        AuditEvent rejected = new AuditEvent(T0.plusSeconds(2), GREEN, new RequestId("req-10"),
                Operation.DELETE_BACKUP, Optional.empty(), Optional.empty(),
                new Outcome.Rejected(ReasonCode.BACKUP_NOT_FOUND), OptionalInt.empty(), Map.of());
        history.append(failed);
        history.append(rejected);

        List<RecordedAuditEvent> page = history.query(AuditQuery.latest(10));

        assertThat(page).extracting(RecordedAuditEvent::event).containsExactly(rejected, failed);
    }

    @Test
    void filtersByTeamServerOperationOutcomeRequestAndTime() {
        AuditHistory history = emptyHistory();
        history.append(event(BLUE, "a", T0, new Outcome.Accepted()));
        history.append(event(GREEN, "b", T0.plusSeconds(10), new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED)));
        history.append(event(BLUE, "c", T0.plusSeconds(20), new Outcome.Completed()));
        history.append(new AuditEvent(T0.plusSeconds(30), BLUE, new RequestId("d"), Operation.DELETE_SNAPSHOT,
                Optional.of(new ServerId(999)), Optional.empty(), new Outcome.Completed(), OptionalInt.of(204), Map.of()));

        assertThat(requestIds(history, AuditQuery.latest(10).forTeam(BLUE))).containsExactly("d", "c", "a");
        assertThat(requestIds(history, AuditQuery.latest(10).forServer(new ServerId(999)))).containsExactly("d");
        assertThat(requestIds(history, AuditQuery.latest(10).withOperations(Set.of(Operation.DELETE_SNAPSHOT))))
                .containsExactly("d");
        assertThat(requestIds(history, AuditQuery.latest(10).withOutcome(Outcome.Kind.REJECTED))).containsExactly("b");
        assertThat(requestIds(history, AuditQuery.latest(10).forRequest(new RequestId("c")))).containsExactly("c");
        assertThat(requestIds(history, AuditQuery.latest(10).since(T0.plusSeconds(10)).until(T0.plusSeconds(30))))
                .containsExactly("c", "b");
    }

    /**
     * Times and positions need not grow together: a backlog written late keeps its events' times, and a clock
     * stepped back writes times before those already there. Every time range, whole days or not, open on either
     * side, alone or with a team or a request id (the tracker's reads, ADR 0093) and walked page by page, finds
     * exactly the events whose times are in it.
     */
    @Test
    void aTimeRangeFindsItsEventsWhateverOrderTheyWereAppendedIn() {
        AuditHistory history = emptyHistory();
        Instant day = Instant.parse("2026-03-10T00:00:00Z");
        Duration oneDay = Duration.ofDays(1);
        List<Instant> appendedAt = List.of(
                day.minusSeconds(3600), day, day.plusSeconds(13 * 3600), day.plus(oneDay).minusNanos(1000),
                day.plus(oneDay).plusSeconds(60),
                // written late from a backlog, with their own times
                day.plusSeconds(9 * 3600), day.minusSeconds(60),
                day.plus(oneDay.multipliedBy(2)).plusSeconds(5),
                // a clock stepped back a day, then forward again
                day.plus(oneDay).plusSeconds(30), day.plusSeconds(12 * 3600), day.plus(oneDay.multipliedBy(2)).plusSeconds(7));
        List<RecordedAuditEvent> recorded = new ArrayList<>();
        for (int i = 0; i < appendedAt.size(); i++) {
            recorded.add(history.append(event(i % 2 == 0 ? BLUE : GREEN, i % 3 == 0 ? "shared" : "t" + i,
                    appendedAt.get(i), new Outcome.Accepted())));
        }
        List<List<Optional<Instant>>> ranges = List.of(
                List.of(Optional.of(day), Optional.of(day.plus(oneDay))),
                List.of(Optional.of(day.plusSeconds(12 * 3600)), Optional.of(day.plus(oneDay).plusSeconds(30))),
                List.of(Optional.of(day.plus(oneDay)), Optional.empty()),
                List.of(Optional.empty(), Optional.of(day.plus(oneDay))),
                List.of(Optional.empty(), Optional.of(day.plusSeconds(12 * 3600))),
                List.of(Optional.of(day.minusSeconds(60)), Optional.of(day.plusNanos(1000))),
                List.of(Optional.of(day.plusSeconds(13 * 3600)), Optional.of(day.plusSeconds(13 * 3600).plusNanos(1000))),
                List.of(Optional.of(day.plus(oneDay.multipliedBy(2)).plusSeconds(6)), Optional.empty()),
                List.of(Optional.of(day.plus(oneDay.multipliedBy(9))), Optional.of(day.plus(oneDay.multipliedBy(10)))),
                List.of(Optional.empty(), Optional.of(day.minus(oneDay))),
                List.of(Optional.of(day.minus(oneDay.multipliedBy(5))), Optional.of(day.plus(oneDay.multipliedBy(5)))));
        for (List<Optional<Instant>> range : ranges) {
            AuditQuery query = new AuditQuery(AuditEventFilter.everything().between(range.get(0), range.get(1)),
                    OptionalLong.empty(), 2);
            RequestId shared = new RequestId("shared");
            for (AuditQuery scoped : List.of(query, query.forTeam(BLUE), query.forRequest(shared),
                    query.forTeam(BLUE).forRequest(shared))) {
                List<RecordedAuditEvent> expected = recorded.stream().filter(scoped::matches)
                        .sorted(Comparator.comparingLong(RecordedAuditEvent::sequence).reversed()).toList();
                List<RecordedAuditEvent> walked = new ArrayList<>();
                List<RecordedAuditEvent> page = history.query(scoped);
                while (!page.isEmpty()) {
                    walked.addAll(page);
                    page = history.query(scoped.before(page.getLast().sequence()));
                }
                assertThat(walked).as("%s", scoped.filter()).isEqualTo(expected);
                assertThat(history.query(new AuditQuery(scoped.filter(), OptionalLong.empty(), 100)))
                        .as("%s, one page", scoped.filter()).isEqualTo(expected);
            }
        }
    }

    /**
     * A team's rare matches spread over many days, some days written late or out of order (a backlog, a clock
     * stepped back): every page of each outcome, reason and operation filter, walked a page of 1 and of 4 at a
     * time, is exactly the filter's own match in sequence order (ADR 0081: a page read only from the days holding
     * matches failed this when it took older days' events to lie below newer days').
     */
    @Test
    void rareMatchesSpreadOverDaysWrittenOutOfOrderArePagedExactly() {
        AuditHistory history = emptyHistory();
        Instant firstDay = Instant.parse("2026-04-01T06:00:00Z");
        List<Operation> operations = List.of(Operation.RESTORE_SNAPSHOT, Operation.CREATE_SNAPSHOT,
                Operation.DELETE_SNAPSHOT);
        List<RecordedAuditEvent> recorded = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            int day = i / 10;
            if (i % 9 == 4) {
                day = Math.max(0, day - 4); // written late, from a backlog
            } else if (i % 13 == 7) {
                day = day + 3; // a clock ahead, then back
            }
            Outcome outcome = switch (i % 6) {
                case 0 -> new Outcome.Failed(ReasonCode.SNAPSHOT_LIMIT_REACHED, "provider refused");
                case 1 -> new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED);
                case 2 -> new Outcome.Rejected(ReasonCode.SERVER_RESTORING);
                case 3 -> new Outcome.Completed();
                default -> new Outcome.Accepted();
            };
            Instant at = firstDay.plus(Duration.ofDays(day)).plusSeconds(i % 10 * 3600L);
            recorded.add(history.append(new AuditEvent(at, i % 5 == 3 ? GREEN : BLUE, new RequestId("s" + i),
                    operations.get(i % 3 == 0 ? (i / 3) % 3 : i % 3), Optional.of(SERVER), Optional.empty(),
                    outcome, OptionalInt.empty(), Map.of())));
        }
        Duration oneDay = Duration.ofDays(1);
        List<AuditEventFilter> filters = List.of(
                AuditEventFilter.everything().withOperation(Operation.RESTORE_SNAPSHOT).withOutcome(Outcome.Kind.FAILED),
                AuditEventFilter.everything().withOperation(Operation.CREATE_SNAPSHOT).withOutcome(Outcome.Kind.REJECTED),
                AuditEventFilter.everything().withOperations(Set.of(Operation.CREATE_SNAPSHOT, Operation.DELETE_SNAPSHOT))
                        .withOutcome(Outcome.Kind.FAILED),
                AuditEventFilter.everything().withReason(ReasonCode.SNAPSHOT_LIMIT_REACHED),
                AuditEventFilter.everything().withReason(ReasonCode.SERVER_RESTORING),
                AuditEventFilter.everything().withReason(ReasonCode.SNAPSHOT_LIMIT_REACHED).withOutcome(Outcome.Kind.FAILED),
                AuditEventFilter.everything().withReason(ReasonCode.SNAPSHOT_LIMIT_REACHED)
                        .withOperation(Operation.DELETE_SNAPSHOT),
                AuditEventFilter.everything().withReason(ReasonCode.BACKUP_EXPIRED),
                AuditEventFilter.everything().withOperation(Operation.DELETE_SNAPSHOT).withOutcome(Outcome.Kind.FAILED)
                        .between(Optional.of(firstDay.plus(oneDay.multipliedBy(3))),
                                Optional.of(firstDay.plus(oneDay.multipliedBy(9)))),
                AuditEventFilter.everything().withReason(ReasonCode.SNAPSHOT_LIMIT_REACHED)
                        .between(Optional.of(firstDay.plus(oneDay.multipliedBy(2)).plusSeconds(5 * 3600)),
                                Optional.empty()),
                AuditEventFilter.everything().withOperation(Operation.CREATE_SNAPSHOT).withOutcome(Outcome.Kind.REJECTED)
                        .between(Optional.empty(), Optional.of(firstDay.plus(oneDay.multipliedBy(8)))));
        int walksWithMatches = 0;
        for (AuditEventFilter filter : filters) {
            for (TeamId team : List.of(BLUE, GREEN)) {
                for (int size : List.of(1, 4)) {
                    AuditQuery query = new AuditQuery(filter, OptionalLong.empty(), size).forTeam(team);
                    List<RecordedAuditEvent> expected = recorded.stream().filter(query::matches)
                            .sorted(Comparator.comparingLong(RecordedAuditEvent::sequence).reversed()).toList();
                    List<RecordedAuditEvent> walked = new ArrayList<>();
                    List<RecordedAuditEvent> page = history.query(query);
                    while (!page.isEmpty()) {
                        assertThat(page).as("%s, %s, a page of %d", filter, team, size).hasSizeLessThanOrEqualTo(size);
                        walked.addAll(page);
                        page = history.query(query.before(page.getLast().sequence()));
                    }
                    assertThat(walked).as("%s, %s, pages of %d", filter, team, size).isEqualTo(expected);
                    walksWithMatches += expected.isEmpty() ? 0 : 1;
                }
            }
        }
        // Only BACKUP_EXPIRED has no event: every other filter pages real matches for both teams, at both sizes.
        assertThat(walksWithMatches).isGreaterThanOrEqualTo(2 * 2 * 10);
    }

    /**
     * Pages of one outcome kind, rare (V45's partial indexes, its kind written into the statement: ADR 0085) or not,
     * of every team, a team, a server, one or two operations: the same rows on every fetch (a prepared statement
     * changes plan from its sixth execution), and walked page by page exactly the filter's matches, newest first.
     */
    @Test
    void pagesOfOneOutcomeAreTheSameOnEveryFetchAndWalkExactlyTheirMatches() {
        AuditHistory history = emptyHistory();
        ServerId other = new ServerId(777);
        List<Operation> operations = List.of(Operation.RESTORE_SNAPSHOT, Operation.CREATE_SNAPSHOT,
                Operation.DELETE_SNAPSHOT);
        List<RecordedAuditEvent> recorded = new ArrayList<>();
        for (int i = 0; i < 140; i++) {
            Outcome outcome = switch (i % 7) {
                case 0 -> new Outcome.Failed(ReasonCode.PROVIDER_TIMEOUT, "provider timed out");
                case 1 -> new Outcome.Unresolved(ReasonCode.PROVIDER_TIMEOUT, "no answer");
                case 2 -> new Outcome.Unverifiable(ReasonCode.PROVIDER_TIMEOUT, "cannot confirm");
                case 3 -> new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED);
                case 4 -> new Outcome.Completed();
                default -> new Outcome.Accepted();
            };
            int round = i / 7; // each kind once a round; team, operation and server vary independently over rounds
            recorded.add(history.append(new AuditEvent(T0.plusSeconds(i), round % 2 == 0 ? GREEN : BLUE,
                    new RequestId("o" + i), operations.get(round % 3), Optional.of(round % 5 == 1 ? other : SERVER),
                    Optional.empty(), outcome, OptionalInt.empty(), Map.of())));
        }
        int walksWithMatches = 0;
        for (Outcome.Kind kind : List.of(Outcome.Kind.FAILED, Outcome.Kind.UNRESOLVED, Outcome.Kind.UNVERIFIABLE,
                Outcome.Kind.REJECTED, Outcome.Kind.COMPLETED)) {
            AuditEventFilter ofKind = AuditEventFilter.everything().withOutcome(kind);
            for (AuditEventFilter filter : List.of(ofKind, ofKind.withOperation(Operation.RESTORE_SNAPSHOT),
                    ofKind.forTeam(BLUE).withOperation(Operation.CREATE_SNAPSHOT), ofKind.forServer(other),
                    ofKind.forTeam(GREEN).forServer(SERVER),
                    ofKind.withOperations(Set.of(Operation.CREATE_SNAPSHOT, Operation.DELETE_SNAPSHOT)))) {
                List<RecordedAuditEvent> expected = recorded.stream().filter(filter::matches)
                        .sorted(Comparator.comparingLong(RecordedAuditEvent::sequence).reversed()).toList();
                AuditQuery first = new AuditQuery(filter, OptionalLong.empty(), 3);
                for (int fetch = 0; fetch < 10; fetch++) {
                    assertThat(history.query(first)).as("%s, fetch %d", filter, fetch)
                            .isEqualTo(expected.subList(0, Math.min(3, expected.size())));
                }
                List<RecordedAuditEvent> walked = new ArrayList<>();
                List<RecordedAuditEvent> page = history.query(first);
                while (!page.isEmpty()) {
                    walked.addAll(page);
                    page = history.query(first.before(page.getLast().sequence()));
                }
                assertThat(walked).as("%s, pages of 3", filter).isEqualTo(expected);
                walksWithMatches += expected.isEmpty() ? 0 : 1;
            }
        }
        assertThat(walksWithMatches).isEqualTo(5 * 6);
    }

    @Test
    void pagesWithTheSequenceCursorWithoutGapsOrDuplicates() {
        AuditHistory history = emptyHistory();
        for (int i = 0; i < 7; i++) {
            history.append(event(BLUE, "r" + i, T0.plusSeconds(i), new Outcome.Accepted()));
        }
        List<String> seen = new ArrayList<>();
        AuditQuery query = AuditQuery.latest(3);
        List<RecordedAuditEvent> page = history.query(query);
        while (!page.isEmpty()) {
            page.forEach(e -> seen.add(e.event().requestId().value()));
            page = history.query(query.before(page.get(page.size() - 1).sequence()));
        }
        assertThat(seen).containsExactly("r6", "r5", "r4", "r3", "r2", "r1", "r0");
    }

    @Test
    void concurrentAppendsGetDistinctPositionsAndAllArePresent() throws Exception {
        AuditHistory history = emptyHistory();
        int writers = 20;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Callable<RecordedAuditEvent>> tasks = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String id = "w" + i;
                tasks.add(() -> history.append(event(BLUE, id, T0, new Outcome.Accepted())));
            }
            List<Long> positions = new ArrayList<>();
            for (Future<RecordedAuditEvent> f : pool.invokeAll(tasks)) {
                positions.add(f.get().sequence());
            }
            assertThat(positions).doesNotHaveDuplicates().hasSize(writers);
            assertThat(history.query(AuditQuery.latest(100))).hasSize(writers);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keepsTimeToTheMicrosecond() {
        AuditHistory history = emptyHistory();
        Instant precise = Instant.parse("2026-01-15T10:00:00.123456789Z");

        RecordedAuditEvent recorded = history.append(event(BLUE, "micro", precise, new Outcome.Accepted()));

        Instant stored = Instant.parse("2026-01-15T10:00:00.123456Z");
        assertThat(recorded.event().occurredAt()).isEqualTo(stored);
        assertThat(history.query(AuditQuery.latest(1)).get(0).event().occurredAt()).isEqualTo(stored);
        assertThat(history.verifyChain().isIntact()).isTrue();
    }

    @Test
    void anEmptyHistoryVerifiesAsAnIntactEmptyChain() {
        ChainVerification verification = emptyHistory().verifyChain();

        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isZero();
    }

    @Test
    void theChainVerifiesOverEveryAppendedEvent() {
        AuditHistory history = emptyHistory();
        history.append(event(BLUE, "a", T0, new Outcome.Accepted()));
        history.append(new AuditEvent(T0.plusSeconds(1), GREEN, new RequestId("b"), Operation.DELETE_BACKUP,
                Optional.empty(), Optional.empty(), new Outcome.Failed(ReasonCode.PROVIDER_TIMEOUT, "no answer in 30 s"),
                OptionalInt.empty(), Map.of("attempt", "2", "unicode", "\u00e9t\u00e9 \u2713")));
        history.append(event(BLUE, "a", T0.plusSeconds(2), new Outcome.Completed()));

        ChainVerification verification = history.verifyChain();

        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(3);
    }

    @Test
    void concurrentAppendsKeepTheChainIntactAndGapless() throws Exception {
        AuditHistory history = emptyHistory();
        int writers = 20;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Callable<RecordedAuditEvent>> tasks = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String id = "c" + i;
                tasks.add(() -> history.append(event(GREEN, id, T0.plusMillis(id.hashCode() % 1000), new Outcome.Accepted())));
            }
            List<Long> positions = new ArrayList<>();
            for (Future<RecordedAuditEvent> f : pool.invokeAll(tasks)) {
                positions.add(f.get().sequence());
            }
            assertThat(positions).containsExactlyInAnyOrder(
                    java.util.stream.LongStream.rangeClosed(1, writers).boxed().toArray(Long[]::new));
        } finally {
            pool.shutdownNow();
        }
        ChainVerification verification = history.verifyChain();
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(writers);
    }

    @Test
    void pendingIntentsAreAcceptedEventsWithoutALaterOutcomeOldestFirst() {
        AuditHistory history = emptyHistory();
        history.append(event(BLUE, "lost", T0, new Outcome.Accepted()));
        history.append(event(BLUE, "done", T0.plusSeconds(1), new Outcome.Accepted()));
        history.append(event(BLUE, "done", T0.plusSeconds(2), new Outcome.Completed()));
        history.append(event(BLUE, "failed", T0.plusSeconds(3), new Outcome.Accepted()));
        history.append(event(BLUE, "failed", T0.plusSeconds(4),
                new Outcome.Failed(ReasonCode.PROVIDER_REJECTED, "provider answered 400")));
        history.append(event(GREEN, "other-op", T0.plusSeconds(5), new Outcome.Accepted()));
        history.append(new AuditEvent(T0.plusSeconds(6), GREEN, new RequestId("other-op"), Operation.DELETE_SNAPSHOT,
                Optional.of(SERVER), Optional.empty(), new Outcome.Completed(), OptionalInt.of(204), Map.of()));
        history.append(event(BLUE, "refused", T0.plusSeconds(7), new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED)));
        history.append(event(BLUE, "too-new", T0.plusSeconds(60), new Outcome.Accepted()));

        List<RecordedAuditEvent> pending = history.pendingIntents(T0.plusSeconds(30), 10);

        assertThat(pending).extracting(e -> e.event().requestId().value()).containsExactly("lost", "other-op");
        assertThat(pending).allSatisfy(e -> assertThat(e.event().outcome()).isEqualTo(new Outcome.Accepted()));
        assertThat(history.pendingIntents(T0.plusSeconds(30), 1))
                .extracting(e -> e.event().requestId().value()).containsExactly("lost");
        assertThat(history.pendingIntents(T0.plusSeconds(61), 10))
                .extracting(e -> e.event().requestId().value()).containsExactly("lost", "other-op", "too-new");
        assertThat(history.pendingIntents(T0, 10)).isEmpty();
    }

    /** A reconciliation cut short carries on after the last intent it reached (ADR 0024, amended in session 45). */
    @Test
    void pendingIntentsAfterASequenceAreOnlyTheLaterOnes() {
        AuditHistory history = emptyHistory();
        history.append(event(BLUE, "first", T0, new Outcome.Accepted()));
        history.append(event(BLUE, "second", T0.plusSeconds(1), new Outcome.Accepted()));
        history.append(event(BLUE, "third", T0.plusSeconds(2), new Outcome.Accepted()));
        List<RecordedAuditEvent> all = history.pendingIntents(T0.plusSeconds(30), 10);

        assertThat(history.pendingIntents(T0.plusSeconds(30), all.get(0).sequence(), 10))
                .extracting(e -> e.event().requestId().value()).containsExactly("second", "third");
        assertThat(history.pendingIntents(T0.plusSeconds(30), all.get(2).sequence(), 10)).isEmpty();
        assertThat(history.pendingIntents(T0.plusSeconds(30), 0, 10)).isEqualTo(all);
    }

    /**
     * The reconciler reads pending intents a page at a time; intents whose operation is still open
     * are the tracker's, and must not fill the page ahead of those the reconciler can settle.
     */
    @Test
    void pendingIntentsLeaveOutThoseAnOpenOperationFollows() {
        AuditHistory history = emptyHistory();
        for (int i = 0; i < 120; i++) {
            OperationId tracked = OperationId.random();
            history.append(ofAttempt("tracked-" + i, tracked.toString(), T0.plusMillis(i), new Outcome.Accepted()));
            RecoveryOperation open = RecoveryOperation.accepted(tracked, BLUE, new RequestId("tracked-" + i),
                    Operation.CREATE_SNAPSHOT, SERVER, Optional.empty(), T0.plusMillis(i), java.time.Duration.ofMinutes(30));
            operationStored(open, i % 2 == 0 ? open : open.taken(Optional.of(ResourceRef.of(new SnapshotId(1000 + i))),
                    T0.plusMillis(i), "in_progress"));
        }
        OperationId ended = OperationId.random();
        history.append(ofAttempt("ended", ended.toString(), T0.plusSeconds(1), new Outcome.Accepted()));
        RecoveryOperation endedOperation = RecoveryOperation.accepted(ended, BLUE, new RequestId("ended"),
                Operation.CREATE_SNAPSHOT, SERVER, Optional.empty(), T0.plusSeconds(1), java.time.Duration.ofMinutes(30));
        operationStored(endedOperation, endedOperation.notFound(T0.plusSeconds(2), "not at VPS.org"));
        history.append(ofAttempt("never-sent", OperationId.random().toString(), T0.plusSeconds(3), new Outcome.Accepted()));
        history.append(event(BLUE, "legacy", T0.plusSeconds(4), new Outcome.Accepted()));

        List<RecordedAuditEvent> pending = history.pendingIntents(T0.plusSeconds(600), 100);

        assertThat(pending).extracting(e -> e.event().requestId().value())
                .containsExactly("ended", "never-sent", "legacy");
    }

    /**
     * Reconciliation reads the pending intents every minute, and an adapter may start where it last found
     * every earlier intent settled (ADR 0076); an intent not settled yet, even one an open operation hides
     * for now, is never skipped by a later read.
     */
    @Test
    void pendingIntentsReadAgainAndAgainNeverSkipAnIntentNotSettled() {
        AuditHistory history = emptyHistory();
        Instant later = T0.plusSeconds(600);
        history.append(event(BLUE, "settled", T0, new Outcome.Accepted()));
        history.append(event(BLUE, "settled", T0.plusSeconds(1), new Outcome.Completed()));
        assertThat(history.pendingIntents(later, 10)).isEmpty();

        OperationId tracked = OperationId.random();
        history.append(ofAttempt("tracked", tracked.toString(), T0.plusSeconds(2), new Outcome.Accepted()));
        RecoveryOperation open = RecoveryOperation.accepted(tracked, BLUE, new RequestId("tracked"),
                Operation.CREATE_SNAPSHOT, SERVER, Optional.empty(), T0.plusSeconds(2), java.time.Duration.ofMinutes(30));
        operationStored(open, open);
        history.append(event(BLUE, "lost", T0.plusSeconds(3), new Outcome.Accepted()));
        assertThat(history.pendingIntents(later, 10)).extracting(e -> e.event().requestId().value())
                .containsExactly("lost");
        history.append(event(BLUE, "lost", T0.plusSeconds(4),
                new Outcome.Failed(ReasonCode.PROVIDER_REJECTED, "provider answered 400")));
        assertThat(history.pendingIntents(later, 10)).isEmpty();

        // The operation ends and its end's event is lost: the intent it hid is pending now.
        operationMoved(open, open.notFound(T0.plusSeconds(5), "not at VPS.org"));
        history.append(event(BLUE, "new", T0.plusSeconds(6), new Outcome.Accepted()));
        assertThat(history.pendingIntents(later, 10)).extracting(e -> e.event().requestId().value())
                .containsExactly("tracked", "new");
        history.append(ofAttempt("tracked", tracked.toString(), T0.plusSeconds(7),
                new Outcome.Failed(ReasonCode.NOT_DONE_AT_PROVIDER, "not at VPS.org")));
        assertThat(history.pendingIntents(later, 10)).extracting(e -> e.event().requestId().value())
                .containsExactly("new");
    }

    private static AuditEvent ofAttempt(String requestId, String attemptId, Instant at, Outcome outcome) {
        return new AuditEvent(at, BLUE, new RequestId(requestId), Operation.CREATE_SNAPSHOT, Optional.of(SERVER),
                Optional.empty(), outcome, OptionalInt.empty(), Map.of(AuditEvent.ATTEMPT_ID, attemptId));
    }

    @Test
    void anUnresolvedOutcomeLeavesTheIntentPendingAndOnlyTheSameAttemptSettlesIt() {
        AuditHistory history = emptyHistory();
        Outcome lost = new Outcome.Unresolved(ReasonCode.OUTCOME_UNKNOWN, "no answer within the read timeout");
        history.append(ofAttempt("shared-id", "attempt-1", T0, new Outcome.Accepted()));
        history.append(ofAttempt("shared-id", "attempt-1", T0.plusSeconds(1), lost));
        // A second attempt under the same (caller-chosen) request id completes.
        history.append(ofAttempt("shared-id", "attempt-2", T0.plusSeconds(2), new Outcome.Accepted()));
        history.append(ofAttempt("shared-id", "attempt-2", T0.plusSeconds(3), new Outcome.Completed()));
        history.append(ofAttempt("restore", "attempt-3", T0.plusSeconds(4), new Outcome.Accepted()));
        history.append(ofAttempt("restore", "attempt-3", T0.plusSeconds(5),
                new Outcome.Unverifiable(ReasonCode.OUTCOME_UNKNOWN, "VPS.org offers no server status read")));

        assertThat(history.pendingIntents(T0.plusSeconds(30), 10))
                .extracting(e -> e.event().attemptId().orElseThrow()).containsExactly("attempt-1");
        // The new kinds read back exactly as written.
        assertThat(history.query(AuditQuery.latest(10).withOutcome(Outcome.Kind.UNRESOLVED)))
                .singleElement().satisfies(e -> assertThat(e.event().outcome()).isEqualTo(lost));
        assertThat(history.query(AuditQuery.latest(10).withOutcome(Outcome.Kind.UNVERIFIABLE)))
                .singleElement().satisfies(e -> assertThat(e.event().outcome().explanation())
                        .contains("VPS.org offers no server status read"));

        history.append(ofAttempt("shared-id", "attempt-1", T0.plusSeconds(6), new Outcome.Completed()));
        assertThat(history.pendingIntents(T0.plusSeconds(30), 10)).isEmpty();
        assertThat(history.verifyChain()).isInstanceOf(ChainVerification.Intact.class);
    }

    /**
     * The tracker's read of one attempt (ADR 0108): its intent and final outcomes under its request id, operation and
     * server from {@code since} on, newest first; not its other events, nor another attempt's under the same request id.
     */
    @Test
    void anAttemptsEventsAreItsIntentAndFinalOutcomesAsTheQueryHoldsThem() {
        AuditHistory history = emptyHistory();
        String attempt = "attempt-a";
        List<RecordedAuditEvent> recorded = new ArrayList<>();
        recorded.add(history.append(ofAttempt("shared", attempt, T0.minusSeconds(1), new Outcome.Accepted()))); // before since
        RecordedAuditEvent intent = history.append(ofAttempt("shared", attempt, T0, new Outcome.Accepted()));
        recorded.add(intent);
        recorded.add(history.append(ofAttempt("shared", attempt, T0.plusSeconds(1), new Outcome.Submitted())));
        recorded.add(history.append(ofAttempt("shared", "attempt-b", T0.plusSeconds(2), new Outcome.Accepted())));
        recorded.add(history.append(ofAttempt("shared", "attempt-b", T0.plusSeconds(3),
                new Outcome.Failed(ReasonCode.PROVIDER_TIMEOUT, "VPS.org did not answer in time"))));
        recorded.add(history.append(event(BLUE, "shared", T0.plusSeconds(4), new Outcome.Completed()))); // no attempt id
        // Intents, as an attempt ends once (ADR 0142): the attempt id under another request, operation and server.
        recorded.add(history.append(ofAttempt("other-request", attempt, T0.plusSeconds(5), new Outcome.Accepted())));
        recorded.add(history.append(new AuditEvent(T0.plusSeconds(6), BLUE, new RequestId("shared"),
                Operation.DELETE_SNAPSHOT, Optional.of(SERVER), Optional.empty(), new Outcome.Accepted(),
                OptionalInt.empty(), Map.of(AuditEvent.ATTEMPT_ID, attempt))));
        recorded.add(history.append(new AuditEvent(T0.plusSeconds(7), BLUE, new RequestId("shared"),
                Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(54321)), Optional.empty(), new Outcome.Accepted(),
                OptionalInt.empty(), Map.of(AuditEvent.ATTEMPT_ID, attempt))));
        RecordedAuditEvent end = history.append(ofAttempt("shared", attempt, T0.plusSeconds(8), new Outcome.Completed()));
        recorded.add(end);

        RequestId shared = new RequestId("shared");
        assertThat(history.attemptEvents(SERVER, shared, Operation.CREATE_SNAPSHOT, attempt, T0, 10))
                .containsExactly(end, intent)
                .isEqualTo(history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT).forServer(SERVER).forRequest(shared)
                        .withOperations(Set.of(Operation.CREATE_SNAPSHOT)).since(T0)).stream()
                        .filter(e -> AuditHistory.isAttemptEvent(e.event(), attempt)).toList());
        assertThat(history.attemptEvents(SERVER, shared, Operation.CREATE_SNAPSHOT, attempt, T0, 1)).containsExactly(end);
        assertThat(history.attemptEvents(SERVER, shared, Operation.CREATE_SNAPSHOT, "attempt-c", T0, 10)).isEmpty();
        assertThatThrownBy(() -> history.attemptEvents(SERVER, shared, Operation.CREATE_SNAPSHOT, attempt, T0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * A request's attempt by its id alone (ADR 0027, amended in session 40): its intents and final outcomes wherever
     * they are filed (a policy's change names no server; another team, request id or operation), newest first; not its
     * other outcomes, nor another attempt's events.
     */
    @Test
    void anAttemptsEventsByItsIdAloneAreItsIntentsAndFinalOutcomesWhereverFiled() {
        AuditHistory history = emptyHistory();
        String attempt = "attempt-policy";
        RecordedAuditEvent intent = history.append(new AuditEvent(T0, GREEN, new RequestId("r-1"), Operation.UPDATE_POLICY,
                Optional.empty(), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(),
                Map.of(AuditEvent.ATTEMPT_ID, attempt, "policy_id", "3f1c2b9e-0000-4000-8000-000000000001")));
        history.append(ofAttempt("r-2", "attempt-other", T0.plusSeconds(1), new Outcome.Accepted()));
        history.append(new AuditEvent(T0.plusSeconds(2), GREEN, new RequestId("r-1"), Operation.UPDATE_POLICY,
                Optional.empty(), Optional.empty(), new Outcome.Unresolved(ReasonCode.PLATFORM_UNAVAILABLE, "store failed"),
                OptionalInt.empty(), Map.of(AuditEvent.ATTEMPT_ID, attempt)));
        history.append(event(BLUE, "r-1", T0.plusSeconds(3), new Outcome.Completed())); // no attempt id
        RecordedAuditEvent end = history.append(new AuditEvent(T0.plusSeconds(4), GREEN, new RequestId("reconciled"),
                Operation.UPDATE_POLICY, Optional.empty(), Optional.empty(), new Outcome.Completed(), OptionalInt.empty(),
                Map.of(AuditEvent.ATTEMPT_ID, attempt)));

        assertThat(history.attemptEvents(attempt, 10)).containsExactly(end, intent);
        assertThat(history.attemptEvents(attempt, 1)).containsExactly(end);
        assertThat(history.attemptEvents("attempt-none", 10)).isEmpty();
        assertThatThrownBy(() -> history.attemptEvents(attempt, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * An attempt ends once (ADR 0142): a second final outcome of the same attempt id is refused, whoever writes it,
     * and a batch carrying one writes nothing; outcomes that settle nothing, other attempts and events of no attempt
     * are not limited.
     */
    @Test
    void anAttemptEndsOnceAndABatchWithASecondEndWritesNothing() {
        AuditHistory history = emptyHistory();
        history.append(ofAttempt("r-1", "attempt-a", T0, new Outcome.Accepted()));
        history.append(ofAttempt("r-1", "attempt-a", T0.plusSeconds(1), new Outcome.Submitted()));
        history.append(ofAttempt("r-1", "attempt-a", T0.plusSeconds(2),
                new Outcome.Unresolved(ReasonCode.PROVIDER_TIMEOUT, "VPS.org did not answer in time")));
        history.append(ofAttempt("r-1", "attempt-a", T0.plusSeconds(3),
                new Outcome.Unresolved(ReasonCode.PROVIDER_TIMEOUT, "VPS.org did not answer in time")));
        RecordedAuditEvent end = history.append(ofAttempt("r-1", "attempt-a", T0.plusSeconds(4), new Outcome.Completed()));
        long head = history.query(AuditQuery.latest(1)).get(0).sequence();

        assertThatThrownBy(() -> history.append(ofAttempt("r-1", "attempt-a", T0.plusSeconds(5),
                new Outcome.Failed(ReasonCode.PROVIDER_TIMEOUT, "VPS.org did not answer in time"))))
                .isInstanceOf(AttemptAlreadyEnded.class);
        assertThatThrownBy(() -> history.append(ofAttempt("another-request", "attempt-a", T0.plusSeconds(5),
                new Outcome.Unverifiable(ReasonCode.OUTCOME_UNKNOWN, "no read"))))
                .isInstanceOf(AttemptAlreadyEnded.class);
        assertThatThrownBy(() -> history.appendAll(List.of(
                ofAttempt("r-2", "attempt-b", T0.plusSeconds(6), new Outcome.Accepted()),
                ofAttempt("r-1", "attempt-a", T0.plusSeconds(6), new Outcome.Completed()))))
                .isInstanceOf(AttemptAlreadyEnded.class);
        assertThatThrownBy(() -> history.appendAll(List.of(
                ofAttempt("r-3", "attempt-c", T0.plusSeconds(7), new Outcome.Completed()),
                ofAttempt("r-3", "attempt-c", T0.plusSeconds(7), new Outcome.Completed()))))
                .isInstanceOf(AttemptAlreadyEnded.class);
        assertThat(history.query(AuditQuery.latest(1)).get(0).sequence()).isEqualTo(head);

        history.append(ofAttempt("r-2", "attempt-b", T0.plusSeconds(8), new Outcome.Completed()));
        history.append(event(BLUE, "r-4", T0.plusSeconds(9), new Outcome.Completed()));
        history.append(event(BLUE, "r-4", T0.plusSeconds(10), new Outcome.Completed()));
        assertThat(history.query(AuditQuery.latest(1)).get(0).sequence()).isEqualTo(head + 3);
        assertThat(history.query(AuditQuery.latest(AuditQuery.MAX_LIMIT).forRequest(new RequestId("r-1"))).stream()
                .filter(e -> e.event().outcome().kind().settlesAttempt())).containsExactly(end);
        assertThat(history.verifyChain()).isInstanceOf(ChainVerification.Intact.class);
    }

    @Test
    void pendingIntentsRefuseAnUnboundedPage() {
        AuditHistory history = emptyHistory();
        assertThatThrownBy(() -> history.pendingIntents(T0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> history.pendingIntents(T0, AuditHistory.MAX_PENDING_PAGE + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> requestIds(AuditHistory history, AuditQuery query) {
        return history.query(query).stream().map(e -> e.event().requestId().value()).toList();
    }
}
