package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.adapters.persistence.webhook.WebhookOutbox;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * What the chained writer sends PostgreSQL (ADR 0088, 0102), on a real database: a writer alone that knows where the
 * head is writes a batch, its webhook deliveries included, as one statement committed on its own; one that does not
 * (the head moved by another instance) takes the head's lock in a transaction, and its known-way statement wrote
 * nothing; once another writer was seen, the known way too is a transaction its statement's round trip ends.
 * The JDBC calls are observed on the real connections, which do the work.
 */
class ChainedAuditWriterStatementsTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    private static final Instant T0 = Instant.parse("2026-12-02T09:00:00Z");


    private static AuditEvent submitted(String request) {
        return new AuditEvent(T0, new TeamId("blue"), new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(4242)), Optional.empty(), new Outcome.Submitted(), OptionalInt.of(201),
                Map.of("name", "snap-" + request));
    }

    private static AuditEvent intent(String request) {
        return new AuditEvent(T0, new TeamId("blue"), new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(4242)), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(),
                Map.of("name", "snap-" + request));
    }

    private static void subscribeBlueToSubmissions(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO webhook_subscription (id, team, target_url, event_types, secret, created_at)"
                    + " VALUES (gen_random_uuid(), 'blue', 'https://hooks.example/blue', 'operation.submitted',"
                    + " 'whsec_dGVzdA==', now())");
        }
    }

    private static List<Long> deliveredSequences(DataSource dataSource) throws SQLException {
        List<Long> sequences = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT audit_sequence FROM webhook_delivery ORDER BY audit_sequence")) {
            while (rs.next()) {
                sequences.add(rs.getLong(1));
            }
        }
        return sequences;
    }

    @Test
    void aWriterThatKnowsTheHeadWritesABatchAndItsDeliveriesAsOneStatementCommittedOnItsOwn() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        subscribeBlueToSubmissions(database.dataSource());
        ObservedWriterCalls observed = new ObservedWriterCalls(1);
        ChainedAuditWriter writer = new ChainedAuditWriter(observed.around(database.dataSource()),
                new WebhookOutbox(new PlainTextWebhookFormat()));

        // The first batches do not know the head: each reads it under its lock, in a transaction; the second finds
        // it where the first left it, so the writer is alone.
        writer.write(List.of(intent("a")));
        writer.write(List.of(submitted("a")));
        assertThat(observed.takeAll()).containsExactly("begin", "prepare SELECT", "prepare WITH", "commit",
                "begin", "prepare SELECT", "prepare WITH", "commit");

        // Now it knows: one statement, no transaction of its own, whether the batch causes deliveries or not.
        List<RecordedAuditEvent> third = writer.write(List.of(intent("b")));
        assertThat(observed.takeAll()).containsExactly("prepare WITH");
        List<RecordedAuditEvent> fourth = writer.write(List.of(submitted("b"), intent("c"), submitted("c")));
        assertThat(observed.takeAll()).containsExactly("prepare WITH");

        assertThat(third).extracting(RecordedAuditEvent::sequence).containsExactly(3L);
        assertThat(fourth).extracting(RecordedAuditEvent::sequence).containsExactly(4L, 5L, 6L);
        // The submissions' deliveries, committed with them; none for the intents.
        assertThat(deliveredSequences(database.dataSource())).containsExactly(2L, 4L, 6L);
        ChainVerification verification = contexts.on(database).getBean(AuditHistory.class).verifyChain();
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(6L);
    }

    @Test
    void theLockedWayCommitsInItsStatementsRoundTripTheLockHeldOneRoundTripLess() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        subscribeBlueToSubmissions(database.dataSource());
        ObservedWriterCalls observed = new ObservedWriterCalls(1).lookingFrom(database.dataSource());
        ChainedAuditWriter writer = new ChainedAuditWriter(observed.around(database.dataSource()),
                new WebhookOutbox(new PlainTextWebhookFormat()));

        // A writer that does not know the head locks it in a transaction; the statement that writes the batch also
        // ends the transaction, so another session sees the batch before the driver is asked to commit.
        List<RecordedAuditEvent> written = writer.write(List.of(intent("a"), submitted("a")));

        assertThat(observed.takeAll()).containsExactly("begin", "prepare SELECT", "prepare WITH", "commit");
        assertThat(observed.visibleAtCommit).containsExactly(2L);
        assertThat(written).extracting(RecordedAuditEvent::sequence).containsExactly(1L, 2L);
        assertThat(deliveredSequences(database.dataSource())).containsExactly(2L);
        // The second batch still locks (it learns that nobody else wrote), committed the same way ...
        writer.write(List.of(submitted("b")));
        assertThat(observed.takeAll()).containsExactly("begin", "prepare SELECT", "prepare WITH", "commit");
        assertThat(observed.visibleAtCommit).containsExactly(2L, 3L);
        // ... and the connections the pool got back were idle in autocommit: the third goes the known way alone.
        writer.write(List.of(intent("c")));
        assertThat(observed.takeAll()).containsExactly("prepare WITH");
        assertThat(ObservedWriterCalls.eventsIn(database.dataSource())).isEqualTo(4L);
        assertThat(deliveredSequences(database.dataSource())).containsExactly(2L, 3L);
        ChainVerification verification = contexts.on(database).getBean(AuditHistory.class).verifyChain();
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(4L);
    }

    @Test
    void aFailedLockedWayStatementSkipsItsCommitAndWritesNothing() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ChainedAuditWriter writer = new ChainedAuditWriter(database.dataSource(),
                new WebhookOutbox(new PlainTextWebhookFormat()));
        // PostgreSQL refuses a NUL in text: the statement fails after the head's lock was taken.
        AuditEvent refused = new AuditEvent(T0, new TeamId("blue"), new RequestId("nul"), Operation.CREATE_SNAPSHOT,
                Optional.empty(), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(), Map.of("note", "a\0b"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.write(List.of(intent("a"), refused)))
                .isInstanceOf(SQLException.class);

        assertThat(ObservedWriterCalls.eventsIn(database.dataSource())).isZero();
        // Nothing committed, the lock released: the writer goes on from the genesis.
        assertThat(writer.write(List.of(intent("b")))).extracting(RecordedAuditEvent::sequence).containsExactly(1L);
        ChainVerification verification = contexts.on(database).getBean(AuditHistory.class).verifyChain();
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(1L);
    }

    @Test
    void aHeadMovedByAnotherInstanceLeavesTheKnownWayWithNothingWrittenAndTheLockedWayWritesTheDeliveries()
            throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        subscribeBlueToSubmissions(database.dataSource());
        ObservedWriterCalls observed = new ObservedWriterCalls(1);
        ChainedAuditWriter first = new ChainedAuditWriter(observed.around(database.dataSource()),
                new WebhookOutbox(new PlainTextWebhookFormat()));
        ChainedAuditWriter other = new ChainedAuditWriter(database.dataSource(), new WebhookOutbox(new PlainTextWebhookFormat()));
        first.write(List.of(submitted("a")));
        first.write(List.of(submitted("b")));
        other.write(List.of(submitted("c")));
        observed.takeAll();

        List<RecordedAuditEvent> written = first.write(List.of(submitted("d")));

        // The known way's statement found the head elsewhere and wrote nothing; the locked way wrote the batch.
        assertThat(observed.takeAll()).containsExactly("prepare WITH", "begin", "prepare SELECT", "prepare WITH", "commit");
        assertThat(written).extracting(RecordedAuditEvent::sequence).containsExactly(4L);

        // The next batch with deliveries takes the lock again and finds the head where this writer left it; after
        // that it knows the head, but another writer was busy a moment ago and may be waiting on it: the known way
        // runs in a transaction its round trip ends, so that the commit can release the head before the flush (ADR
        // 0102). A batch without deliveries meanwhile is hashed by the database in one statement that locks the head
        // itself (ADR 0115; ChainHashedByTheDatabaseTest), whether or not the head is where this writer left it.
        first.write(List.of(submitted("e")));
        assertThat(observed.takeAll()).containsExactly("begin", "prepare SELECT", "prepare WITH", "commit");
        List<RecordedAuditEvent> known = first.write(List.of(submitted("f")));
        assertThat(observed.takeAll()).containsExactly("begin", "prepare WITH", "commit");
        assertThat(known).extracting(RecordedAuditEvent::sequence).containsExactly(6L);
        List<RecordedAuditEvent> hashed = first.write(List.of(intent("g")));
        assertThat(observed.takeAll()).containsExactly("begin", "prepare WITH", "commit");
        assertThat(hashed).extracting(RecordedAuditEvent::sequence).containsExactly(7L);
        assertThat(deliveredSequences(database.dataSource())).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        ChainVerification verification = contexts.on(database).getBean(AuditHistory.class).verifyChain();
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(7L);
    }

    /**
     * An index build on webhook_delivery (a migration such as V69's, minutes over a large outbox) holds its SHARE lock:
     * a batch none of whose events is of a webhook type no longer names the table, so it is written meanwhile instead
     * of waiting for, then failing at, its lock_timeout (ADR 0025, amended in session 55); one that queues a delivery
     * still writes it once the build ends.
     */
    @Test
    void aBatchWithoutDeliveriesIsWrittenWhileAnIndexBuildHoldsTheOutbox() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        subscribeBlueToSubmissions(database.dataSource());
        PGSimpleDataSource bounded = (PGSimpleDataSource) database.dataSource();
        // The pool's sessions' bound (10 s in service), short here: before the fix the append failed at it.
        bounded.setOptions("-c lock_timeout=2000");
        ChainedAuditWriter writer = new ChainedAuditWriter(bounded, new WebhookOutbox(new PlainTextWebhookFormat()),
                java.time.Duration.ofSeconds(2));
        try (Connection build = database.dataSource().getConnection(); Statement statement = build.createStatement()) {
            build.setAutoCommit(false);
            statement.execute("LOCK TABLE webhook_delivery IN SHARE MODE");

            // The locked way (the head not yet known), then the known way alone: neither touches the outbox.
            assertThat(writer.write(List.of(intent("a")))).extracting(RecordedAuditEvent::sequence).containsExactly(1L);
            assertThat(writer.write(List.of(intent("b")))).extracting(RecordedAuditEvent::sequence).containsExactly(2L);
            assertThat(writer.write(List.of(intent("c")))).extracting(RecordedAuditEvent::sequence).containsExactly(3L);

            build.rollback();
        }
        // The build over: a batch that queues a delivery writes it with its event.
        assertThat(writer.write(List.of(submitted("a")))).extracting(RecordedAuditEvent::sequence).containsExactly(4L);
        assertThat(deliveredSequences(database.dataSource())).containsExactly(4L);
        ChainVerification verification = contexts.on(database).getBean(AuditHistory.class).verifyChain();
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(4L);
    }
}
