package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
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
 * The group commit's pipeline (ADR 0104) over the real chained writer and a real PostgreSQL whose commits wait for the
 * flush (as the service's server): the next batch's statement runs while the previous batch's flush is awaited, and
 * batches are answered in their commits' order, each once the WAL is on disk past its commit. The first batch's flush
 * is held back until the second batch has committed, so the order is the code's, not the scheduler's.
 */
class GroupCommitPipelineTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    private static final Instant T0 = Instant.parse("2026-12-03T09:00:00Z");

    /**
     * The real chained writer, each batch's steps noted in order; the first batch's flush waits (at most 10 s) until the
     * second batch has committed, and with {@code dropFirstConnection} its connection's backend is terminated before it
     * waits for the flush.
     */
    private static final class FirstFlushHeld implements GroupCommit.BatchWriter {
        final List<String> steps = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch firstCommitted = new CountDownLatch(1);
        private final CountDownLatch secondCommitted = new CountDownLatch(1);
        private final DataSource observer;
        private final ChainedAuditWriter chained;
        private final boolean dropFirstConnection;
        /** The backend of the connection the writer took last. */
        private volatile int lastBackend;
        private int batches;

        FirstFlushHeld(TestDatabase database, boolean dropFirstConnection) {
            this.observer = database.dataSource();
            this.chained = new ChainedAuditWriter(notingBackends(database.dataSource()),
                    new WebhookOutbox(new PlainTextWebhookFormat()));
            this.dropFirstConnection = dropFirstConnection;
        }

        @Override
        public List<RecordedAuditEvent> write(List<AuditEvent> batch) throws SQLException {
            GroupCommit.Committed committed = commit(batch, List::of);
            committed.awaitDurable();
            return committed.written();
        }

        @Override
        public GroupCommit.Committed commit(List<AuditEvent> batch, Supplier<List<AuditEvent>> latecomers)
                throws SQLException {
            // One writer at a time: the group commit's writer lock.
            int number = ++batches;
            GroupCommit.Committed committed = chained.commit(batch, latecomers);
            int backend = lastBackend;
            // The WAL's end once the commit returned: its commit record lies before it.
            String committedBefore = scalar("SELECT pg_current_wal_insert_lsn()::text");
            steps.add("commit " + number);
            (number == 1 ? firstCommitted : secondCommitted).countDown();
            return new GroupCommit.Committed() {
                @Override
                public List<RecordedAuditEvent> written() {
                    // The group commit reads the stored events as it answers the batch's callers.
                    steps.add("answer " + number + (flushedPast(committedBefore) ? "" : " before its commit's flush"));
                    return committed.written();
                }

                @Override
                public void awaitDurable() throws SQLException {
                    if (number == 1) {
                        holdUntilTheSecondCommitted();
                        if (dropFirstConnection) {
                            terminate(backend);
                        }
                    }
                    try {
                        committed.awaitDurable();
                    } catch (SQLException e) {
                        steps.add("flush " + number + " failed");
                        throw e;
                    }
                    steps.add("flushed " + number);
                }
            };
        }

        private void holdUntilTheSecondCommitted() {
            try {
                if (!secondCommitted.await(10, TimeUnit.SECONDS)) {
                    steps.add("the second batch did not commit while the first's flush was awaited");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private boolean flushedPast(String lsn) {
            return scalar("SELECT (pg_current_wal_flush_lsn() >= '" + lsn + "'::pg_lsn)::text").equals("true");
        }

        private void terminate(int backend) {
            assertThat(scalar("SELECT pg_terminate_backend(" + backend + ", 10000)::text")).isEqualTo("true");
        }

        private String scalar(String sql) {
            try (Connection connection = observer.getConnection(); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery(sql)) {
                rs.next();
                return rs.getString(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The real data source; each connection it gives notes its server backend's pid. */
        private DataSource notingBackends(DataSource real) {
            return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                    (proxy, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (method.getName().equals("getConnection")) {
                            try (PreparedStatement pid = ((Connection) result).prepareStatement(
                                    "SELECT pg_backend_pid()"); ResultSet rs = pid.executeQuery()) {
                                rs.next();
                                lastBackend = rs.getInt(1);
                            }
                        }
                        return result;
                    });
        }
    }

    private static AuditEvent intent(String request) {
        return new AuditEvent(T0, new TeamId("blue"), new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(4242)), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(),
                Map.of("name", "snap-" + request));
    }

    /** A fresh database whose sessions' commits wait for the flush unless they ask not to (the service's setting). */
    private static TestDatabase durableCommits() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        database.execute("ALTER DATABASE " + database.name() + " SET synchronous_commit = on");
        return database;
    }

    /** Appends a first event, and a second once the first's batch committed: two batches, one after the other. */
    private static List<Future<RecordedAuditEvent>> twoBatches(GroupCommit appends, FirstFlushHeld writer,
            ExecutorService pool) throws InterruptedException {
        List<Future<RecordedAuditEvent>> results = new ArrayList<>();
        results.add(pool.submit(() -> appends.append(intent("first"))));
        assertThat(writer.firstCommitted.await(30, TimeUnit.SECONDS)).as("the first batch committed").isTrue();
        results.add(pool.submit(() -> appends.append(intent("second"))));
        return results;
    }

    private ChainVerification verified(TestDatabase database) {
        return contexts.on(database).getBean(AuditHistory.class).verifyChain();
    }

    @Test
    void theNextBatchCommitsWhileThePreviousBatchsFlushIsAwaitedAndEachIsAnsweredInOrderOnceOnDisk() throws Exception {
        TestDatabase database = durableCommits();
        FirstFlushHeld writer = new FirstFlushHeld(database, false);
        GroupCommit appends = new GroupCommit(writer, JdbcAuditHistory.MAX_BATCH);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Long> sequences = new ArrayList<>();
        try {
            for (Future<RecordedAuditEvent> result : twoBatches(appends, writer, pool)) {
                sequences.add(result.get(60, TimeUnit.SECONDS).sequence());
            }
        } finally {
            pool.shutdownNow();
        }

        List<String> steps = List.copyOf(writer.steps);
        // The second batch committed before the first's callers were answered, which was after the first's flush.
        assertThat(steps).as("%s", steps)
                .containsSubsequence("commit 1", "commit 2", "flushed 1", "answer 1", "answer 2")
                .containsSubsequence("flushed 2", "answer 2")
                .hasSize(6);
        assertThat(sequences).containsExactly(1L, 2L);
        ChainVerification verification = verified(database);
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(2L);
    }

    @Test
    void aFlushThatFailsAfterItsCommitFailsItsCallersAndTheNextBatchIsAnsweredOnlyAfterThem() throws Exception {
        TestDatabase database = durableCommits();
        FirstFlushHeld writer = new FirstFlushHeld(database, true);
        GroupCommit appends = new GroupCommit(writer, JdbcAuditHistory.MAX_BATCH);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Throwable firstFailure = null;
        long second;
        try {
            List<Future<RecordedAuditEvent>> results = twoBatches(appends, writer, pool);
            try {
                results.getFirst().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                firstFailure = e.getCause();
            }
            second = results.getLast().get(60, TimeUnit.SECONDS).sequence();
        } finally {
            pool.shutdownNow();
        }

        // The first batch's connection died between its commit and its flush: its caller hears that the outcome is
        // unknown, never that it is durable; the second batch is answered after it, once its own flush returned.
        assertThat(firstFailure).isInstanceOf(DatabaseFailure.class)
                .hasMessageContaining("committed but its flush to disk failed")
                .hasCauseInstanceOf(SQLException.class);
        List<String> steps = List.copyOf(writer.steps);
        assertThat(steps).as("%s", steps)
                .containsSubsequence("commit 1", "commit 2", "flush 1 failed", "answer 2")
                .containsSubsequence("flushed 2", "answer 2")
                .doesNotContain("answer 1")
                .hasSize(5);
        assertThat(second).isEqualTo(2L);
        // The commit did happen (an unknown outcome is often a recorded one): the chain holds both, intact, and goes on.
        assertThat(database.strings("SELECT request_id FROM audit_event ORDER BY sequence"))
                .containsExactly("first", "second");
        assertThat(appends.append(intent("third")).sequence()).isEqualTo(3L);
        ChainVerification verification = verified(database);
        assertThat(verification).isInstanceOf(ChainVerification.Intact.class);
        assertThat(((ChainVerification.Intact) verification).eventsChecked()).isEqualTo(3L);
    }
}
