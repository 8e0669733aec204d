package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.adapters.persistence.webhook.WebhookOutbox;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * The chain hashed in the append statement while another writer may be waiting on the head (ADR 0115), on a real
 * database: the head's lock is taken inside the batch's one statement and held over no round trip to the JVM; the
 * database's hashes are Java's, byte for byte, for awkward events; a refused event writes nothing of its batch.
 * The JDBC calls are observed on the real connections, which do the work.
 */
class ChainHashedByTheDatabaseTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    private static final Instant T0 = Instant.parse("2026-12-04T09:00:00Z");


    private static AuditEvent intent(String request) {
        return new AuditEvent(T0, new TeamId("blue"), new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(4242)), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(),
                Map.of("name", "snap-" + request));
    }

    /** Two writers on one database, as two instances: {@code writer} has seen the other move the head. */
    private static ChainedAuditWriter contended(DataSource dataSource) throws SQLException {
        ChainedAuditWriter writer = new ChainedAuditWriter(dataSource, new WebhookOutbox(new PlainTextWebhookFormat()));
        ChainedAuditWriter otherInstance = new ChainedAuditWriter(dataSource,
                new WebhookOutbox(new PlainTextWebhookFormat()));
        writer.write(List.of(intent("first")));
        otherInstance.write(List.of(intent("other")));
        // This one finds the head moved by the other writer.
        writer.write(List.of(intent("second")));
        return writer;
    }

    /** The backend waiting for a lock in this database, once one does (polled: a state, not a time). */
    private static String queryWaitingForALock(Connection looking) throws Exception {
        while (true) {
            try (Statement statement = looking.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                         + " AND datname = current_database() AND pid <> pg_backend_pid()")) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aBatchWithoutDeliveriesWaitsForAnotherInstancesHoldOnTheHeadInsideItsOneStatementAndChainsAfterIt()
            throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ObservedWriterCalls observed = new ObservedWriterCalls(2);
        ChainedAuditWriter writer = contended(observed.around(database.dataSource()));
        observed.takeAll();
        ChainHash otherInstancesHead = AuditChain.link(ChainHash.GENESIS, 99, intent("stand-in"));

        try (Connection otherInstance = database.dataSource().getConnection();
             Connection looking = database.dataSource().getConnection()) {
            // Another instance holds the head and moves it (its batch of ten, say), not yet committed.
            otherInstance.setAutoCommit(false);
            try (Statement statement = otherInstance.createStatement()) {
                statement.executeUpdate("UPDATE audit_chain_head SET last_sequence = last_sequence + 10,"
                        + " last_hash = decode('" + otherInstancesHead.hex() + "', 'hex') WHERE id = 1");
            }
            CompletableFuture<List<RecordedAuditEvent>> written = CompletableFuture.supplyAsync(() -> {
                try {
                    return writer.write(List.of(intent("d"), intent("e")));
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });

            // The batch waits for the head inside the statement that hashes and writes it: once the other instance
            // commits, nothing more goes to or from this JVM while the head is held.
            assertThat(queryWaitingForALock(looking)).startsWith("WITH RECURSIVE locked AS");
            otherInstance.commit();

            // Chained after the head as the other instance committed it (READ COMMITTED's re-read of the locked row).
            assertThat(written.get()).extracting(RecordedAuditEvent::sequence).containsExactly(14L, 15L);
        }
        assertThat(observed.takeAll()).containsExactly("begin", "prepare WITH RECURSIVE", "commit");
        assertThat(database.strings("SELECT encode(previous_hash, 'hex') FROM audit_event WHERE sequence = 14"))
                .containsExactly(otherInstancesHead.hex());
        assertThat(database.strings("SELECT last_sequence FROM audit_chain_head")).containsExactly("15");
        // Java's hashes of the two rows, from the head the other instance left.
        ChainHash fourteen = AuditChain.link(otherInstancesHead, 14, intent("d"));
        assertThat(database.strings("SELECT encode(hash, 'hex') FROM audit_event WHERE sequence >= 14 ORDER BY sequence"))
                .containsExactly(fourteen.hex(), AuditChain.link(fourteen, 15, intent("e")).hex());
    }

    @Test
    void theDatabasesHashesAreJavasForAwkwardEventsAcrossASequencesNewDigit() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ObservedWriterCalls observed = new ObservedWriterCalls(2);
        ChainedAuditWriter writer = contended(observed.around(database.dataSource()));
        observed.takeAll();
        Map<String, String> large = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            large.put("key_" + i, ("line " + i + "\n\\ \"quoted\" 'single' \t").repeat(12));
        }
        List<AuditEvent> awkward = List.of(
                // Absent server, resource, status, reason and cause; an empty detail value.
                new AuditEvent(T0, new TeamId("blue"), new RequestId("absent"), Operation.AUDIT_READ,
                        Optional.empty(), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(),
                        Map.of("empty", "")),
                // Non-ASCII of 2 to 4 bytes, a zero-width and a no-break space; microseconds (as the history stores).
                new AuditEvent(T0.plusNanos(123_456_000), new TeamId("equipe-2"), new RequestId("req-2"),
                        Operation.CREATE_MANUAL_BACKUP, Optional.of(new ServerId(Long.MAX_VALUE)),
                        Optional.of(new ResourceRef(ResourceRef.Type.BACKUP, 7)), new Outcome.Planned(),
                        OptionalInt.empty(), Map.of("note", "zero\u200Bwidth no\u00A0break ☃ 日本 😀")),
                // A dry run's failure (no webhook type) with a non-ASCII cause and a provider status.
                new AuditEvent(T0, new TeamId("blue"), new RequestId("dry"), Operation.DELETE_SNAPSHOT,
                        Optional.of(new ServerId(1)), Optional.of(new ResourceRef(ResourceRef.Type.SNAPSHOT, 801)),
                        new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE, "le fournisseur a répondu « 503 »"),
                        OptionalInt.of(503), Map.of(AuditEvent.DRY_RUN, "true")),
                // A policy's refusal, and many large detail entries with newlines, backslashes and quotes.
                new AuditEvent(T0, new TeamId("blue"), new RequestId("policy"), Operation.CREATE_POLICY,
                        Optional.empty(), Optional.empty(), new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED),
                        OptionalInt.empty(), large),
                intent("f"), intent("g"), intent("h"), intent("i"));

        // Sequences 4 to 11: the sequence's field grows a digit inside the batch.
        List<RecordedAuditEvent> batch = writer.write(awkward);
        List<RecordedAuditEvent> alone = writer.write(List.of(awkward.get(1)));

        assertThat(observed.takeAll()).containsExactly("begin", "prepare WITH RECURSIVE", "commit",
                "begin", "prepare WITH RECURSIVE", "commit");
        assertThat(batch).extracting(RecordedAuditEvent::sequence).containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
        assertThat(alone).extracting(RecordedAuditEvent::sequence).containsExactly(12L);
        // Java's verification recomputes every link from the stored events.
        ChainVerification verification = contexts.on(database).getBean(AuditHistory.class).verifyChain();
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(12L);
    }

    @Test
    void aRefusedEventWritesNothingOfItsHashedBatchAndTheHeadStays() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ObservedWriterCalls observed = new ObservedWriterCalls(2);
        ChainedAuditWriter writer = contended(observed.around(database.dataSource()));
        observed.takeAll();
        // PostgreSQL refuses a NUL in text: the statement fails after the head's lock was taken.
        AuditEvent refused = new AuditEvent(T0, new TeamId("blue"), new RequestId("nul"), Operation.CREATE_SNAPSHOT,
                Optional.empty(), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(), Map.of("note", "a\0b"));

        assertThatThrownBy(() -> writer.write(List.of(intent("d"), refused))).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("22"));

        assertThat(observed.takeAll()).containsExactly("begin", "prepare WITH RECURSIVE");
        assertThat(database.strings("SELECT count(*) FROM audit_event")).containsExactly("3");
        assertThat(database.strings("SELECT last_sequence FROM audit_chain_head")).containsExactly("3");
        // Nothing committed, the lock released: the writer goes on after the head.
        assertThat(writer.write(List.of(intent("e")))).extracting(RecordedAuditEvent::sequence).containsExactly(4L);
        ChainVerification verification = contexts.on(database).getBean(AuditHistory.class).verifyChain();
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(4L);
    }
}
