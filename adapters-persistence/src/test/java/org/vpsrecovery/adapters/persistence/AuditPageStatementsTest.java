package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
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
 * other pages keep the bounds' statement before theirs (ADR 0077). Counted from pgjdbc's own protocol log of the real
 * connection: one {@code Execute} message per statement sent.
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

    /** Each statement's Execute message on this thread, while {@code read} runs. */
    private static <T> int statementsSentBy(Supplier<T> read, List<T> result) {
        Logger protocol = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");
        Thread reader = Thread.currentThread();
        List<String> executes = Collections.synchronizedList(new ArrayList<>());
        Handler counter = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (Thread.currentThread() == reader && record.getMessage() != null
                        && record.getMessage().contains("FE=> Execute")) {
                    executes.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = protocol.getLevel();
        protocol.setLevel(Level.FINEST);
        counter.setLevel(Level.FINEST);
        protocol.addHandler(counter);
        try {
            result.add(read.get());
        } finally {
            protocol.removeHandler(counter);
            protocol.setLevel(before);
        }
        return executes.size();
    }

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
            List<List<RecordedAuditEvent>> read = new ArrayList<>();
            int statements = statementsSentBy(() -> history.query(query), read);
            assertThat(read.getFirst()).as("%s", query.filter()).isEqualTo(expected).isNotEmpty();
            assertThat(statements).as("%s", query.filter()).isEqualTo(query == team ? 2 : 1);
        }
    }
}
