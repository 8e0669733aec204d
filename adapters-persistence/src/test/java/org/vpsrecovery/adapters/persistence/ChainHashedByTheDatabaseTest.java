package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
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
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;
import org.vpsrecovery.domain.webhook.WebhookEventType;

/**
 * The chain hashed by PostgreSQL for batches without webhook deliveries (ADR 0099), on a real database: the database's
 * hashes are Java's for any text, two writers keep one gap-free ordered chain, a refused event writes nothing of its
 * batch, and the wait for another instance's hold on the head is inside the one statement.
 */
class ChainHashedByTheDatabaseTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00.123456Z");

    private static ChainedAuditWriter writerOn(DataSource dataSource) {
        return new ChainedAuditWriter(dataSource, new WebhookOutbox(new PlainTextWebhookFormat()));
    }

    private static AuditEvent intent(String request, Map<String, String> detail) {
        return new AuditEvent(T0, new TeamId("blue"), new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(4242)), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(), detail);
    }

    private static AuditEvent submitted(String request) {
        return new AuditEvent(T0, new TeamId("blue"), new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(4242)), Optional.empty(), new Outcome.Submitted(), OptionalInt.of(201),
                Map.of("name", "snap-" + request));
    }

    /** Events whose text is hard to encode alike twice; none causes a delivery, so the database hashes them all. */
    private static List<AuditEvent> awkwardEvents() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < AuditEvent.MAX_DETAIL_ENTRIES; i++) {
            // The largest detail there is: every entry at its longest, with 1-4 byte characters and an empty one.
            String unit = "é東🚀a\n\\'\"%" + i;
            many.put("k" + i, i == 7 ? "" : unit.repeat(AuditEvent.MAX_DETAIL_VALUE_LENGTH / unit.length()));
        }
        return List.of(
                // Absent server, resource, provider status, reason and cause; no detail at all.
                new AuditEvent(T0, new TeamId("blue"), new RequestId("absent"), Operation.DELETE_BACKUP,
                        Optional.empty(), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(), Map.of()),
                intent("empty-values", Map.of("name", "", "note", "")),
                intent("non-ascii", Map.of("name", "Größe ≥ 2 — 東京 🚀", "zero_width", "a\u200Bb", "nbsp", "\u00A0")),
                intent("many", many),
                // A cause in non-ASCII text, a resource and a provider status: a dry run's refusal is sent to no one.
                new AuditEvent(T0.plusNanos(999), new TeamId("blue"), new RequestId("dry-run"), Operation.CREATE_SNAPSHOT,
                        Optional.of(new ServerId(Long.MAX_VALUE)), Optional.of(ResourceRef.of(new SnapshotId(801))),
                        new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE, "Zeitüberschreitung: 東京 antwortete nicht ✗"),
                        OptionalInt.of(503), Map.of(AuditEvent.DRY_RUN, "true")),
                // A read of the audit is never sent either, whatever its outcome.
                new AuditEvent(T0, new TeamId("blue"), new RequestId("read"), Operation.AUDIT_READ, Optional.empty(),
                        Optional.empty(), new Outcome.Completed(), OptionalInt.empty(), Map.of("filter", "ä=ö&ü")));
    }

    private record StoredLink(long sequence, ChainHash previous, ChainHash hash) {
    }

    private static List<StoredLink> storedLinks(DataSource dataSource) throws SQLException {
        List<StoredLink> links = new ArrayList<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT sequence, previous_hash, hash FROM audit_event ORDER BY sequence")) {
            while (rs.next()) {
                links.add(new StoredLink(rs.getLong(1), ChainHash.of(rs.getBytes(2)), ChainHash.of(rs.getBytes(3))));
            }
        }
        return links;
    }

    private static long headSequence(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT last_sequence FROM audit_chain_head WHERE id = 1")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private ChainVerification verified(TestDatabase database) {
        return contexts.on(database).getBean(AuditHistory.class).verifyChain();
    }

    @Test
    void theDatabaseHashesAwkwardEventsAsJavaDoes() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ChainedAuditWriter writer = writerOn(database.dataSource());
        List<AuditEvent> events = awkwardEvents().stream().map(AuditChain::asStored).toList();
        assertThat(events).allSatisfy(event -> assertThat(WebhookEventType.of(event)).isEmpty());

        // One batch of them all, then each alone: both the chaining within a statement and across statements.
        List<RecordedAuditEvent> written = new ArrayList<>(writer.write(events));
        for (AuditEvent event : events) {
            written.addAll(writer.write(List.of(event)));
        }

        assertThat(written).extracting(RecordedAuditEvent::sequence)
                .containsExactly(LongStream.rangeClosed(1, 2L * events.size()).boxed().toArray(Long[]::new));
        List<StoredLink> stored = storedLinks(database.dataSource());
        assertThat(stored).hasSize(written.size());
        ChainHash previous = ChainHash.GENESIS;
        for (int i = 0; i < written.size(); i++) {
            ChainHash expected = AuditChain.link(previous, written.get(i).sequence(), written.get(i).event());
            assertThat(stored.get(i)).as("event %d", i + 1)
                    .isEqualTo(new StoredLink(written.get(i).sequence(), previous, expected));
            previous = expected;
        }
        // And Java's verification over what it reads back, the reference.
        assertThat(verified(database)).isEqualTo(new ChainVerification.Intact(written.size(), previous));
    }

    @Test
    void aRefusedEventWritesNothingOfItsBatch() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ChainedAuditWriter writer = writerOn(database.dataSource());
        writer.write(List.of(intent("before", Map.of())));
        // PostgreSQL refuses a NUL in text: the one statement fails after it locked the head and hashed the batch.
        AuditEvent refused = intent("nul", Map.of("note", "a\0b"));

        assertThatThrownBy(() -> writer.write(List.of(intent("a", Map.of()), refused, intent("b", Map.of()))))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).startsWith("22"));

        assertThat(storedLinks(database.dataSource())).extracting(StoredLink::sequence).containsExactly(1L);
        assertThat(headSequence(database.dataSource())).isEqualTo(1L);
        // The head's lock went with the statement: the writer, and another, go on right after the last event.
        assertThat(writer.write(List.of(intent("after", Map.of())))).extracting(RecordedAuditEvent::sequence)
                .containsExactly(2L);
        assertThat(writerOn(database.dataSource()).write(List.of(intent("other", Map.of()))))
                .extracting(RecordedAuditEvent::sequence).containsExactly(3L);
        ChainVerification verification = verified(database);
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(3L);
    }

    @Test
    void twoWritersOnOneDatabaseKeepTheChainGapFreeAndOrdered() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        // Two instances' group commits; every third event is a submission, so the hashed and the locked ways interleave.
        List<GroupCommit> instances = List.of(new GroupCommit(writerOn(database.dataSource()), JdbcAuditHistory.MAX_BATCH),
                new GroupCommit(writerOn(database.dataSource()), JdbcAuditHistory.MAX_BATCH));
        int threads = 8;
        int perThread = 60;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<List<Long>> sequencesByThread = new ArrayList<>();
        try {
            List<Future<List<Long>>> clients = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                GroupCommit appends = instances.get(t % 2);
                int thread = t;
                clients.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        String request = "t" + thread + "-" + i;
                        AuditEvent event = i % 3 == 2 ? submitted(request) : intent(request, Map.of("i", "" + i));
                        mine.add(appends.append(event).sequence());
                    }
                    return mine;
                }));
            }
            for (Future<List<Long>> client : clients) {
                sequencesByThread.add(client.get());
            }
        } finally {
            pool.shutdownNow();
        }

        int total = threads * perThread;
        List<Long> all = new ArrayList<>();
        for (List<Long> mine : sequencesByThread) {
            // Each client's events in the order it appended them.
            assertThat(mine).isSorted();
            all.addAll(mine);
        }
        Collections.sort(all);
        assertThat(all).containsExactly(LongStream.rangeClosed(1, total).boxed().toArray(Long[]::new));
        assertThat(headSequence(database.dataSource())).isEqualTo(total);
        ChainVerification verification = verified(database);
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(total);
    }

    @Test
    void aBatchWaitsForAnotherInstancesHoldOnTheHeadInsideItsOneStatement() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ChainedAuditWriter writer = writerOn(database.dataSource());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection holder = database.dataSource().getConnection();
             Connection observer = database.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                statement.executeQuery("SELECT 1 FROM audit_chain_head WHERE id = 1 FOR UPDATE").close();
            }
            Future<List<RecordedAuditEvent>> waiting = pool.submit(() -> writer.write(List.of(intent("waits", Map.of()))));

            // The statement that waits for the lock is the one that hashes and inserts: no transaction of the writer's
            // is open while it waits, and nothing is left to send once the lock is free.
            String waitingQuery = awaitTheQueryWaitingOnALock(observer);
            assertThat(waitingQuery).startsWith("WITH RECURSIVE locked AS MATERIALIZED");
            // The holder moves the head meanwhile, as another instance's batch would (its events left out here): under
            // READ COMMITTED the statement's locked CTE returns the head as committed, and the batch chains after it.
            ChainHash moved = ChainHash.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
                    20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
            try (Statement statement = holder.createStatement()) {
                statement.executeUpdate("UPDATE audit_chain_head SET last_sequence = 5, last_hash = decode('"
                        + moved.hex() + "', 'hex') WHERE id = 1");
            }
            holder.commit();
            List<RecordedAuditEvent> written = waiting.get();

            assertThat(written).extracting(RecordedAuditEvent::sequence).containsExactly(6L);
            ChainHash expected = AuditChain.link(moved, 6, written.getFirst().event());
            assertThat(storedLinks(database.dataSource())).containsExactly(new StoredLink(6, moved, expected));
            assertThat(headSequence(database.dataSource())).isEqualTo(6L);
        } finally {
            pool.shutdownNow();
        }
    }

    private static String awaitTheQueryWaitingOnALock(Connection observer) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Statement statement = observer.createStatement(); ResultSet rs = statement.executeQuery(
                    "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                            + " AND pid <> pg_backend_pid()")) {
                if (rs.next()) {
                    return rs.getString(1).strip();
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no statement waited on the chain head's lock");
    }
}
