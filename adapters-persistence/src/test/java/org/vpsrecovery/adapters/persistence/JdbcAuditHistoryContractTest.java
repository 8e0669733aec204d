package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.adapters.persistence.testing.GenericPlans.genericPlan;
import static org.vpsrecovery.adapters.persistence.testing.GenericPlans.preparedOnItsGenericPlan;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.SentStatements;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.contract.AuditHistoryContract;
import org.vpsrecovery.domain.server.ServerId;

/** The contract against PostgreSQL, through the adapter as the service wires it (a fresh database each test). */
class JdbcAuditHistoryContractTest extends AuditHistoryContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    private DataSource database;

    @Override
    protected AuditHistory emptyHistory() {
        TestDatabase fresh = DATABASE.anotherMigrated();
        database = fresh.dataSource();
        return contexts.on(fresh).getBean(AuditHistory.class);
    }

    /** The operation's row as the service's repository writes it (V6), in the history's own database. */
    @Override
    protected void operationStored(RecoveryOperation accepted, RecoveryOperation now) {
        try (Connection connection = database.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO recovery_operation (id, team, request_id, kind, server_id, resource_type, resource_id, state,"
                        + " accepted_at, updated_at, deadline, next_check_at, checks, version)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, now.id().value());
            insert.setString(2, now.team().value());
            insert.setString(3, now.requestId().value());
            insert.setString(4, now.kind().name());
            insert.setLong(5, now.server().value());
            insert.setString(6, now.resource().map(r -> r.type().name()).orElse(null));
            insert.setObject(7, now.resource().map(r -> r.id()).orElse(null));
            insert.setString(8, now.state().wireName());
            insert.setObject(9, OffsetDateTime.ofInstant(now.acceptedAt(), ZoneOffset.UTC));
            insert.setObject(10, OffsetDateTime.ofInstant(now.updatedAt(), ZoneOffset.UTC));
            insert.setObject(11, OffsetDateTime.ofInstant(now.deadline(), ZoneOffset.UTC));
            insert.setObject(12, OffsetDateTime.ofInstant(now.nextCheckAt(), ZoneOffset.UTC));
            insert.setInt(13, now.checks());
            insert.setInt(14, now.version());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void operationMoved(RecoveryOperation before, RecoveryOperation now) {
        try (Connection connection = database.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE recovery_operation SET state = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?")) {
            update.setString(1, now.state().wireName());
            update.setObject(2, OffsetDateTime.ofInstant(now.updatedAt(), ZoneOffset.UTC));
            update.setInt(3, now.version());
            update.setObject(4, now.id().value());
            update.setInt(5, before.version());
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("operation " + now.id() + " was not at version " + before.version());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A page of a rare outcome, fetched as the service fetches it, reaches the generic plan of pgjdbc's prepared
     * statement, and that plan can read V45's partial index: the statement names the kind (ADR 0085). With the kind
     * bound, the generic plan cannot prove the index's predicate and walks the primary key (1,836 buffers at 1 M).
     */
    @Test
    void aRareOutcomePageOnItsGenericPlanReadsTheRareOutcomeIndex() throws SQLException {
        OnOneConnection fresh = onOneConnection();
        AuditHistory history = fresh.history();
        List<RecordedAuditEvent> failures = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Outcome outcome = i % 6 == 0 ? new Outcome.Failed(ReasonCode.PROVIDER_TIMEOUT, "provider timed out")
                    : new Outcome.Accepted();
            RecordedAuditEvent appended = history.append(new AuditEvent(T0.plusSeconds(i), i % 2 == 0 ? BLUE : GREEN,
                    new RequestId("g" + i), i % 4 == 0 ? Operation.RESTORE_SNAPSHOT : Operation.CREATE_SNAPSHOT,
                    Optional.of(new ServerId(500 + i % 3)), Optional.empty(), outcome, OptionalInt.empty(), Map.of()));
            if (outcome.kind() == Outcome.Kind.FAILED && i % 4 == 0) {
                failures.addFirst(appended);
            }
        }
        fresh.database().execute("ANALYZE audit_event");
        AuditQuery page = AuditQuery.latest(4).withOperations(Set.of(Operation.RESTORE_SNAPSHOT))
                .withOutcome(Outcome.Kind.FAILED);
        for (int fetch = 0; fetch < 12; fetch++) {
            assertThat(history.query(page)).as("fetch %d", fetch).isEqualTo(failures.subList(0, 4));
        }
        String prepared = preparedOnItsGenericPlan(fresh.context(), "outcome_kind");
        assertThat(prepared).as("the page's statement, on its generic plan").isNotNull().contains("'FAILED'");
        assertThat(genericPlan(fresh.database(), prepared)).contains("audit_event_rare_outcome_operation");
    }

    /**
     * A page of one actor's events, fetched as the service fetches it, reaches its generic plan, and that plan can
     * read V15's expression index: the statement names the detail's key, so its expression is the index's. With the
     * key bound, the generic plan's expression would differ from the index's and walk every event.
     */
    @Test
    void anActorsPageOnItsGenericPlanReadsTheActorIndex() throws SQLException {
        OnOneConnection fresh = onOneConnection();
        AuditHistory history = fresh.history();
        List<RecordedAuditEvent> alices = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String subject = i % 5 == 0 ? "alice" : "bob";
            RecordedAuditEvent appended = history.append(new AuditEvent(T0.plusSeconds(i), BLUE, new RequestId("a" + i),
                    Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(700)), Optional.empty(), new Outcome.Accepted(),
                    OptionalInt.empty(), Map.of(Actor.SUBJECT, subject)));
            if (subject.equals("alice")) {
                alices.addFirst(appended);
            }
        }
        fresh.database().execute("ANALYZE audit_event");
        AuditQuery page = new AuditQuery(AuditEventFilter.everything().byActor("alice"), OptionalLong.empty(), 4);
        for (int fetch = 0; fetch < 12; fetch++) {
            assertThat(history.query(page)).as("fetch %d", fetch).isEqualTo(alices.subList(0, 4));
        }
        String prepared = preparedOnItsGenericPlan(fresh.context(), "jsonb_extract_path_text");
        assertThat(prepared).as("the page's statement, on its generic plan").isNotNull().contains("'" + Actor.SUBJECT + "'");
        assertThat(genericPlan(fresh.database(), prepared)).contains("audit_event_actor_subject");
    }

    /**
     * Reconciliation's walk asks of each intent whether a later final outcome ends its attempt: on the statements'
     * generic plans that is one probe of an index, by attempt id (V47) or, for an intent of no attempt, by request and
     * operation (V1), never a walk of the primary key from the intent to its outcome (ADR 0107).
     */
    @Test
    void pendingIntentsOnTheirGenericPlansProbeAnIndexForEachIntentsOutcome() throws SQLException {
        OnOneConnection fresh = onOneConnection();
        AuditHistory history = fresh.history();
        // The intents first, then their outcomes: each outcome far from its intent, as when VPS.org takes minutes.
        List<String> unsettled = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            history.append(new AuditEvent(T0.plusSeconds(i), BLUE, new RequestId("r" + i), Operation.CREATE_SNAPSHOT,
                    Optional.of(new ServerId(700)), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(),
                    Map.of(AuditEvent.ATTEMPT_ID, "attempt-" + i)));
        }
        for (int i = 0; i < 160; i++) {
            if (i % 4 == 0) {
                unsettled.add("attempt-" + i);
            } else {
                history.append(new AuditEvent(T0.plusSeconds(200 + i), BLUE, new RequestId("tracker-" + i),
                        Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(700)), Optional.empty(),
                        new Outcome.Completed(), OptionalInt.of(200), Map.of(AuditEvent.ATTEMPT_ID, "attempt-" + i)));
            }
        }
        fresh.database().execute("ANALYZE audit_event");
        for (int fetch = 0; fetch < 12; fetch++) {
            assertThat(history.pendingIntents(T0.plusSeconds(3600), 100)).as("fetch %d", fetch)
                    .extracting(e -> e.event().attemptId().orElseThrow()).containsExactlyElementsOf(unsettled);
        }
        String walk = preparedOnItsGenericPlan(fresh.context(), "outcome.outcome_kind IN");
        assertThat(walk).as("the walk's statement, on its generic plan").isNotNull();
        assertThat(genericPlan(fresh.database(), walk)).contains("audit_event_final_outcome_attempt", "audit_event_request");
    }

    /**
     * The tracker's read of one attempt (ADR 0108) under a request id the client sent with many requests: one statement,
     * the answer of the query by request id, and on its generic plan two probes by attempt id (V48's intents, V47's
     * final outcomes), not a walk of the request id's events (V1's audit_event_request) since the day began.
     */
    @Test
    void anAttemptsEventsOnTheirGenericPlanProbeTheAttemptIndexesWhoeverSharesTheRequestId() throws SQLException {
        OnOneConnection fresh = onOneConnection();
        AuditHistory history = fresh.history();
        RequestId shared = new RequestId("one-id-for-every-request");
        for (int i = 0; i < 150; i++) {
            for (Outcome outcome : List.of(new Outcome.Accepted(), new Outcome.Submitted(), new Outcome.Completed())) {
                history.append(new AuditEvent(T0.plusSeconds(i), BLUE, shared, Operation.CREATE_SNAPSHOT,
                        Optional.of(new ServerId(700)), Optional.empty(), outcome, OptionalInt.empty(),
                        Map.of(AuditEvent.ATTEMPT_ID, "attempt-" + i)));
            }
        }
        // Requests of their own id beside it, as most clients send: by its statistics a request id then names one row.
        for (int i = 0; i < 300; i++) {
            for (Outcome outcome : List.of(new Outcome.Accepted(), new Outcome.Completed())) {
                history.append(new AuditEvent(T0.plusSeconds(i), BLUE, new RequestId("own-" + i), Operation.CREATE_SNAPSHOT,
                        Optional.of(new ServerId(700)), Optional.empty(), outcome, OptionalInt.empty(),
                        Map.of(AuditEvent.ATTEMPT_ID, "own-attempt-" + i)));
            }
        }
        fresh.database().execute("ANALYZE audit_event");
        // The port's own answer: the query by request id, paged, its attempt's events kept.
        AuditHistory byTheQuery = new AuditHistory() {
            @Override
            public RecordedAuditEvent append(AuditEvent event) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<RecordedAuditEvent> query(AuditQuery query) {
                return history.query(query);
            }

            @Override
            public List<RecordedAuditEvent> pendingIntents(java.time.Instant acceptedBefore, long afterSequence, int limit) {
                throw new UnsupportedOperationException();
            }

            @Override
            public org.vpsrecovery.domain.audit.ChainVerification verifyChain() {
                throw new UnsupportedOperationException();
            }
        };
        for (int read = 0; read < 12; read++) {
            int i = 140 - read * 11;
            String attempt = "attempt-" + i;
            java.time.Instant since = T0.plusSeconds(i).minusSeconds(60);
            SentStatements.Counted<List<RecordedAuditEvent>> events = SentStatements.of(() -> history.attemptEvents(
                    new ServerId(700), shared, Operation.CREATE_SNAPSHOT, attempt, since, AuditQuery.MAX_LIMIT));
            assertThat(events.result()).as("read %d", read)
                    .extracting(e -> e.event().outcome().kind()).containsExactly(Outcome.Kind.COMPLETED, Outcome.Kind.ACCEPTED);
            assertThat(events.result()).as("read %d", read).isEqualTo(byTheQuery.attemptEvents(
                    new ServerId(700), shared, Operation.CREATE_SNAPSHOT, attempt, since, AuditQuery.MAX_LIMIT));
            assertThat(events.statements()).as("read %d", read).isEqualTo(1);
        }
        String probe = preparedOnItsGenericPlan(fresh.context(), "(outcome_kind = 'ACCEPTED'");
        assertThat(probe).as("the attempt's read, on its generic plan").isNotNull();
        assertThat(genericPlan(fresh.database(), probe))
                .contains("audit_event_intent_attempt", "audit_event_final_outcome_attempt")
                .doesNotContain("audit_event_request");
    }

    /**
     * A takeover's read of one attempt by its id alone (AuditHistory.attemptEvents(attemptId, limit), ADR 0027): most
     * attempts asked about have no event at all (refused before their intent, or their holder died before it), so on
     * its generic plan the read probes V48's and V47's attempt indexes first, not a backward walk of the primary key
     * that would read every event to find none.
     */
    @Test
    void anAttemptsEventsByItsIdAloneOnTheirGenericPlanProbeTheAttemptIndexesNotThePrimaryKey() throws SQLException {
        OnOneConnection fresh = onOneConnection();
        AuditHistory history = fresh.history();
        for (int i = 0; i < 1500; i++) {
            Outcome outcome = i % 2 == 0 ? new Outcome.Accepted() : new Outcome.Completed();
            history.append(new AuditEvent(T0.plusSeconds(i), BLUE, new RequestId("r" + i / 2), Operation.CREATE_SNAPSHOT,
                    Optional.of(new ServerId(700)), Optional.empty(), outcome, OptionalInt.empty(),
                    Map.of(AuditEvent.ATTEMPT_ID, "attempt-" + i / 2)));
        }
        fresh.database().execute("ANALYZE audit_event");
        for (int read = 0; read < 12; read++) {
            assertThat(history.attemptEvents("never-reached-" + read, 10)).as("read %d", read).isEmpty();
        }
        assertThat(history.attemptEvents("attempt-7", 10)).extracting(e -> ((RecordedAuditEvent) e).event().outcome().kind())
                .containsExactly(Outcome.Kind.COMPLETED, Outcome.Kind.ACCEPTED);
        String probe = preparedOnItsGenericPlan(fresh.context(), "(outcome_kind = 'ACCEPTED'");
        assertThat(probe).as("the attempt's read, on its generic plan").isNotNull();
        assertThat(genericPlan(fresh.database(), probe))
                .contains("audit_event_intent_attempt", "audit_event_final_outcome_attempt")
                .doesNotContain("audit_event_pkey");
    }

    /**
     * V50 dropped V1's indexes by team and time and by server and time, which every append wrote and no read chose (ADR
     * 0112): a team's and a server's pages of a period, fetched as the service fetches them, read the period as a range
     * of sequences (ADR 0077) through V4's (team, sequence) and (server_id, sequence) on their generic plans.
     */
    @Test
    void aTeamsAndAServersPagesOfAPeriodOnTheirGenericPlansReadTheirSequenceIndexesWithoutTheTimeIndexes()
            throws SQLException {
        for (boolean byServer : List.of(false, true)) {
            OnOneConnection fresh = onOneConnection();
            assertThat(fresh.database().strings("SELECT indexname FROM pg_indexes WHERE tablename = 'audit_event'"))
                    .contains("audit_event_team_sequence", "audit_event_server_sequence")
                    .doesNotContain("audit_event_team_time", "audit_event_server_time");
            AuditHistory history = fresh.history();
            ServerId web = new ServerId(801);
            List<RecordedAuditEvent> inThePeriod = new ArrayList<>();
            for (int i = 0; i < 90; i++) {
                TeamId team = i % 3 == 0 ? BLUE : GREEN;
                ServerId server = new ServerId(800 + i % 4);
                RecordedAuditEvent appended = history.append(new AuditEvent(T0.plusSeconds(i), team,
                        new RequestId("p" + i), Operation.CREATE_SNAPSHOT, Optional.of(server), Optional.empty(),
                        new Outcome.Accepted(), OptionalInt.empty(), Map.of()));
                if ((byServer ? server.equals(web) : team.equals(BLUE)) && i >= 20 && i < 70) {
                    inThePeriod.addFirst(appended);
                }
            }
            fresh.database().execute("ANALYZE audit_event");
            AuditQuery page = (byServer ? AuditQuery.latest(5).forServer(web) : AuditQuery.latest(5).forTeam(BLUE))
                    .since(T0.plusSeconds(20)).until(T0.plusSeconds(70));
            for (int fetch = 0; fetch < 12; fetch++) {
                assertThat(history.query(page)).as("fetch %d", fetch).isEqualTo(inThePeriod.subList(0, 5));
            }
            String prepared = preparedOnItsGenericPlan(fresh.context(), "ORDER BY");
            assertThat(prepared).as("the page's statement, on its generic plan").isNotNull();
            assertThat(genericPlan(fresh.database(), prepared))
                    .contains(byServer ? "audit_event_server_sequence" : "audit_event_team_sequence");
        }
    }

    /** A fresh database, the adapter on one pooled connection (its prepared statements read back) and its history. */
    private record OnOneConnection(TestDatabase database, ApplicationContext context, AuditHistory history) {
    }

    private OnOneConnection onOneConnection() {
        TestDatabase fresh = DATABASE.anotherMigrated();
        ApplicationContext context = contexts.onOneConnection(fresh);
        return new OnOneConnection(fresh, context, context.getBean(AuditHistory.class));
    }
}
