package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.SentStatements;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.server.ServerId;

/**
 * What a page with a time range sends PostgreSQL (ADR 0093), on a real database: narrowed by a request id (the
 * tracker's reads of one operation's events) it is one statement, the range's sequence bounds read inside it (V46);
 * other pages keep the bounds' statement before theirs (ADR 0077). A server's restore events (the delete's check of
 * restores written before operations existed) are one statement too (ADR 0106). Counted from pgjdbc's protocol log
 * ({@link SentStatements}).
 */
class AuditPageStatementsTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    private static final Instant T0 = Instant.parse("2026-12-02T23:59:00Z");
    private static final TeamId TEAM = new TeamId("blue");
    private static final ServerId SERVER = new ServerId(12345);
    private static final RequestId REQUEST = new RequestId("shared-request");

    @Test
    void aPageNarrowedByARequestIdIsOneStatementAndOthersKeepTheBoundsStatement() {
        AuditHistory history = contexts.on(DATABASE.anotherMigrated()).getBean(AuditHistory.class);
        List<RecordedAuditEvent> recorded = new ArrayList<>();
        // Across midnight, one written late with an earlier day's time (a backlog).
        for (int i = 0; i < 6; i++) {
            Instant at = i == 4 ? T0.minus(Duration.ofDays(1)) : T0.plusSeconds(40L * i);
            recorded.add(history.append(new AuditEvent(at, TEAM, i % 2 == 0 ? REQUEST : new RequestId("other-" + i),
                    Operation.CREATE_SNAPSHOT, Optional.of(SERVER), Optional.empty(),
                    i == 0 ? new Outcome.Accepted() : new Outcome.Completed(), OptionalInt.empty(), Map.of())));
        }
        AuditQuery tracker = AuditQuery.latest(AuditQuery.MAX_LIMIT).forServer(SERVER).forRequest(REQUEST)
                .withOperations(Set.of(Operation.CREATE_SNAPSHOT)).since(T0.minusSeconds(60));
        AuditQuery intent = tracker.withOutcome(Outcome.Kind.ACCEPTED).until(T0.plusSeconds(1));
        AuditQuery team = AuditQuery.latest(AuditQuery.MAX_LIMIT).forTeam(TEAM).since(T0.minusSeconds(60));
        history.query(tracker); // the first read of a pooled connection may set it up; not counted

        for (AuditQuery query : List.of(tracker, intent, team)) {
            List<RecordedAuditEvent> expected = recorded.stream().filter(query::matches)
                    .sorted(Comparator.comparingLong(RecordedAuditEvent::sequence).reversed()).toList();
            SentStatements.Counted<List<RecordedAuditEvent>> read = SentStatements.of(() -> history.query(query));
            assertThat(read.result()).as("%s", query.filter()).isEqualTo(expected).isNotEmpty();
            assertThat(read.statements()).as("%s", query.filter()).isEqualTo(query == team ? 2 : 1);
        }
    }

    @Test
    void aServersRestoreEventsAreOneStatementWithTheAnswerOfTheQuery() {
        AuditHistory history = contexts.on(DATABASE.anotherMigrated()).getBean(AuditHistory.class);
        ServerId other = new ServerId(777);
        List<RecordedAuditEvent> recorded = new ArrayList<>();
        // Restores of this server in and before the window, another server's, and other operations of this one.
        Object[][] events = {
                {Operation.RESTORE_SNAPSHOT, SERVER, T0.minusSeconds(3600)},
                {Operation.RESTORE_SNAPSHOT, SERVER, T0},
                {Operation.RESTORE_SERVER_FROM_BACKUP, SERVER, T0.plusSeconds(10)},
                {Operation.RESTORE_SNAPSHOT, other, T0.plusSeconds(20)},
                {Operation.DELETE_SNAPSHOT, SERVER, T0.plusSeconds(30)},
                {Operation.RESTORE_SNAPSHOT, SERVER, T0.plusSeconds(40)}};
        for (Object[] e : events) {
            recorded.add(history.append(new AuditEvent((Instant) e[2], TEAM, new RequestId("r-" + recorded.size()),
                    (Operation) e[0], Optional.of((ServerId) e[1]), Optional.empty(), new Outcome.Accepted(),
                    OptionalInt.empty(), Map.of())));
        }
        history.restoreEvents(SERVER, T0, 200); // the first read of a pooled connection may set it up; not counted

        for (int limit : new int[] {200, 2}) {
            AuditQuery query = AuditQuery.latest(limit).forServer(SERVER).withOperations(AuditHistory.RESTORES).since(T0);
            List<RecordedAuditEvent> expected = recorded.stream().filter(query::matches)
                    .sorted(Comparator.comparingLong(RecordedAuditEvent::sequence).reversed()).limit(limit).toList();
            SentStatements.Counted<List<RecordedAuditEvent>> read =
                    SentStatements.of(() -> history.restoreEvents(SERVER, T0, limit));
            assertThat(read.result()).isEqualTo(expected).isEqualTo(history.query(query)).hasSize(Math.min(limit, 3));
            // The page's way was two: the time range's sequence bounds, then the page.
            assertThat(read.statements()).isEqualTo(1);
        }
    }

    /**
     * A page from a start only, with an event committed between its bounds' statement and its own whose time is
     * before the start (a kept event written late, ADR 0141): the page ends at the last sequence the bounds saw, so
     * that event is not let in unchecked (ADR 0077).
     */
    @Test
    void aPageFromAStartOnlyLeavesOutAnEventCommittedAfterItsBoundsFromBeforeTheStart() {
        io.micronaut.context.ApplicationContext context = contexts.on(DATABASE.anotherMigrated());
        AuditHistory history = context.getBean(AuditHistory.class);
        AuditEventRowRepository real = context.getBean(AuditEventRowRepository.class);
        Instant from = Instant.parse("2026-12-02T12:00:00Z");
        for (int i = 0; i < 3; i++) {
            history.append(new AuditEvent(from.plusSeconds(i), TEAM, new RequestId("in-range-" + i),
                    Operation.CREATE_SNAPSHOT, Optional.of(SERVER), Optional.empty(), new Outcome.Completed(),
                    OptionalInt.empty(), Map.of()));
        }
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        AuditEventRowRepository racing = (AuditEventRowRepository) java.lang.reflect.Proxy.newProxyInstance(
                AuditEventRowRepository.class.getClassLoader(), new Class<?>[] {AuditEventRowRepository.class},
                (proxy, method, args) -> {
                    Object answer;
                    try {
                        answer = method.invoke(real, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("sequenceBounds") && once.compareAndSet(false, true)) {
                        history.append(new AuditEvent(from.minus(Duration.ofHours(1)), TEAM, new RequestId("written-late"),
                                Operation.CREATE_SNAPSHOT, Optional.of(SERVER), Optional.empty(), new Outcome.Completed(),
                                OptionalInt.empty(), Map.of()));
                    }
                    return answer;
                });
        AuditEventRows rows = new AuditEventRows(racing, context.getBean(ChainHeadRowRepository.class));

        List<RecordedAuditEvent> page = rows.page(AuditQuery.latest(100).since(from).filter(), java.util.OptionalLong.empty(), 100);

        assertThat(once).isTrue();
        assertThat(page).extracting(e -> e.event().requestId().value())
                .containsExactly("in-range-2", "in-range-1", "in-range-0");
    }
}
