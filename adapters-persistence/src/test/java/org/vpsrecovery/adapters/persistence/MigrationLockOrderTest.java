package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.vpsrecovery.adapters.persistence.testing.TestFlyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.adapters.persistence.webhook.WebhookOutbox;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * V56, V57, V73 and V74 run while an instance of the release before them still appends (ADRs 0142, 0025). Each test holds an
 * append's transaction open on one connection, with the locks that append takes in its order, runs the migration on
 * another, and checks that the migration waits for the append, that neither fails (no deadlock, 40P01), and that
 * the migration completes once the append commits. Every wait is bounded (lock_timeout, a future's timeout): a wrong
 * lock order fails a test, never hangs it.
 */
class MigrationLockOrderTest {

    @RegisterExtension
    static final FreshDatabase READS_DURING_V56 = FreshDatabase.empty();

    @RegisterExtension
    static final FreshDatabase SECOND_END_DURING_V56 = FreshDatabase.empty();

    @RegisterExtension
    static final FreshDatabase APPEND_DURING_V57 = FreshDatabase.empty();

    @RegisterExtension
    static final FreshDatabase READS_DURING_V73 = FreshDatabase.empty();

    @RegisterExtension
    static final FreshDatabase READS_DURING_V74 = FreshDatabase.empty();

    /** The bound on every wait of the test's own; the migrations' lock_timeout (10 s, 5 s) ends theirs sooner. */
    private static final Duration BOUND = Duration.ofSeconds(60);

    /** A read's bound on its lock wait: under V56's 10 s, so a read queued behind the migration gives up first. */
    private static final String READ_LOCK_TIMEOUT = "5s";

    private final ExecutorService migrator = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopMigrator() throws InterruptedException {
        migrator.shutdownNow();
        migrator.awaitTermination(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * ADR 0142 (amended in session 37): V56 asks for SHARE on audit_event first, which reads do not wait for, so a
     * read goes on while V56 waits for an append in flight; V56 then completes once the append commits. An exclusive
     * lock asked first (V56 as it was: V47's index dropped before the build) queues every read behind the append.
     */
    @Test
    void readsGoOnWhileV56WaitsForAnAppendInFlightAndItCompletesOnceTheAppendCommits() throws Exception {
        TestDatabase database = READS_DURING_V56.database();
        migrate(database, "55");
        try (Connection seed = database.dataSource().getConnection()) {
            append(seed, "a-1", "ACCEPTED");
            append(seed, "a-1", "COMPLETED");
        }

        try (Connection appender = openAppend(database); Connection observer = database.dataSource().getConnection()) {
            append(appender, "a-2", "COMPLETED");
            Future<MigrateResult> migration = migrator.submit(() -> migrate(database, "56"));
            String awaited = lockAwaitedFrom(observer, appender, migration);

            assertThat(countReadWhileTheMigrationWaits(database)).isEqualTo(2);
            assertThat(awaited).isEqualTo("ShareLock on audit_event");
            appender.commit();
            assertThat(completed(migration).migrationsExecuted).isEqualTo(1);
        }

        assertThat(database.strings("SELECT c.relname || ' ' || i.indisunique FROM pg_index i JOIN pg_class c "
                + "ON c.oid = i.indexrelid WHERE c.relname LIKE 'audit_event_%final%' ORDER BY 1"))
                .containsExactly("audit_event_final_outcome_attempt true");
        assertThat(database.strings("SELECT count(*) FROM audit_event")).containsExactly("3");
    }

    /**
     * V56 locks before its check: a second end of an attempt (which the release before V56 could write) appended while
     * V56 waits is seen by the check, and V56 keeps V47's index and guards the events after the last such end.
     * Checked before the lock, the end got past the check and failed V56's unique build (23505).
     */
    @Test
    void aSecondEndAppendedWhileV56WaitsIsSeenByItsCheck() throws Exception {
        TestDatabase database = SECOND_END_DURING_V56.database();
        migrate(database, "55");
        try (Connection seed = database.dataSource().getConnection()) {
            append(seed, "a-1", "ACCEPTED");
            append(seed, "a-1", "COMPLETED");
        }

        try (Connection appender = openAppend(database); Connection observer = database.dataSource().getConnection()) {
            append(appender, "a-1", "FAILED");
            Future<MigrateResult> migration = migrator.submit(() -> migrate(database, "56"));
            lockAwaitedFrom(observer, appender, migration);

            appender.commit();
            assertThat(completed(migration).migrationsExecuted).isEqualTo(1);
        }

        assertThat(database.strings("SELECT c.relname || ' ' || i.indisunique FROM pg_index i JOIN pg_class c "
                + "ON c.oid = i.indexrelid WHERE c.relname LIKE 'audit_event_%final%' ORDER BY 1"))
                .containsExactly("audit_event_final_outcome_attempt false", "audit_event_one_final_per_attempt true");
    }

    /**
     * ADR 0025 (amended in session 37): an append's one statement locks, as it is parsed, the chain head, audit_event
     * and webhook_delivery (its outbox's insert), then webhook_subscription (the outbox's join). V57 locks
     * webhook_delivery before it alters webhook_subscription, the same order: caught between the two, the append
     * reads the subscriptions, inserts its delivery and commits, and V57 then completes. Altering first, V57 holds
     * webhook_subscription while it waits for the append, which waits for it: a deadlock (40P01).
     */
    @Test
    void anAppendBetweenItsDeliveryAndSubscriptionLocksHoldsV57UntilItCommitsAndNeitherDeadlocks() throws Exception {
        TestDatabase database = APPEND_DURING_V57.database();
        migrate(database, "56");
        database.execute("INSERT INTO webhook_subscription (id, team, target_url, event_types, secret, created_at) "
                + "VALUES (gen_random_uuid(), 'blue', 'https://receiver.example/hooks', 'operation.completed', "
                + "'whsec_c2VjcmV0', now())");

        try (Connection appender = openAppend(database); Connection observer = database.dataSource().getConnection()) {
            long sequence = append(appender, "a-1", "COMPLETED");
            try (Statement statement = appender.createStatement()) {
                statement.execute("LOCK TABLE webhook_delivery IN ROW EXCLUSIVE MODE");
            }
            Future<MigrateResult> migration = migrator.submit(() -> migrate(database, "57"));
            assertThat(lockAwaitedFrom(observer, appender, migration)).isEqualTo("ShareLock on webhook_delivery");

            queueDeliveriesAsThePreviousReleaseDoes(appender, sequence);
            appender.commit();
            assertThat(completed(migration).migrationsExecuted).isEqualTo(1);
        }

        assertThat(database.strings("SELECT s.team || ' ' || d.audit_sequence FROM webhook_delivery d "
                + "JOIN webhook_subscription s ON s.id = d.subscription_id")).containsExactly("blue 1");
        assertThat(database.strings("SELECT column_name FROM information_schema.columns "
                + "WHERE table_name = 'webhook_subscription' AND column_name = 'deleted_at'")).containsExactly("deleted_at");
    }

    /**
     * V73 (session 52, own-merge review) builds its six indexes before dropping V6's two: built first, the builds wait
     * for a write in flight with SHARE, which reads of recovery_operation do not wait for. Dropped first, the drop's
     * ACCESS EXCLUSIVE queued every read behind the write and then held them off for the whole build.
     */
    @Test
    void readsOfOperationsGoOnWhileV73WaitsForAWriteInFlight() throws Exception {
        TestDatabase database = READS_DURING_V73.database();
        migrate(database, "72");
        try (Connection writer = openAppend(database); Connection observer = database.dataSource().getConnection()) {
            try (Statement statement = writer.createStatement()) {
                statement.execute("LOCK TABLE recovery_operation IN ROW EXCLUSIVE MODE");
            }
            Future<MigrateResult> migration = migrator.submit(() -> migrate(database, "73"));
            String awaited = lockAwaitedFrom(observer, writer, migration);

            try (Connection reader = database.dataSource().getConnection(); Statement statement = reader.createStatement()) {
                statement.execute("SET lock_timeout = '" + READ_LOCK_TIMEOUT + "'");
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM recovery_operation")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isZero();
                } catch (SQLException e) {
                    throw new AssertionError("a read of recovery_operation waited on V73 (" + e.getSQLState() + ")", e);
                }
            }
            assertThat(awaited).isEqualTo("ShareLock on recovery_operation");
            writer.commit();
            assertThat(completed(migration).migrationsExecuted).isEqualTo(1);
        }
        assertThat(database.strings("SELECT indexname FROM pg_indexes WHERE indexname IN ('recovery_operation_team', "
                + "'recovery_operation_server')")).isEmpty();
    }

    /**
     * V74 (session 53) builds the retention purge's index on webhook_delivery in its transaction with SHARE: it waits for
     * an append queueing a delivery, reads of the delivery log go on meanwhile, and it completes once the append commits.
     */
    @Test
    void readsOfTheDeliveryLogGoOnWhileV74WaitsForAnAppendInFlight() throws Exception {
        TestDatabase database = READS_DURING_V74.database();
        migrate(database, "73");
        try (Connection appender = openAppend(database); Connection observer = database.dataSource().getConnection()) {
            try (Statement statement = appender.createStatement()) {
                statement.execute("LOCK TABLE webhook_delivery IN ROW EXCLUSIVE MODE");
            }
            Future<MigrateResult> migration = migrator.submit(() -> migrate(database, "74"));
            String awaited = lockAwaitedFrom(observer, appender, migration);

            try (Connection reader = database.dataSource().getConnection(); Statement statement = reader.createStatement()) {
                statement.execute("SET lock_timeout = '" + READ_LOCK_TIMEOUT + "'");
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM webhook_delivery")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isZero();
                } catch (SQLException e) {
                    throw new AssertionError("a read of webhook_delivery waited on V74 (" + e.getSQLState() + ")", e);
                }
            }
            assertThat(awaited).isEqualTo("ShareLock on webhook_delivery");
            appender.commit();
            assertThat(completed(migration).migrationsExecuted).isEqualTo(1);
        }
        assertThat(database.strings("SELECT indexdef FROM pg_indexes WHERE indexname = 'webhook_delivery_ended_created'"))
                .singleElement().asString().contains("WHERE (state <> 'pending'::text)");
    }

    private static MigrateResult migrate(TestDatabase database, String target) {
        return TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").target(target)
                .load().migrate();
    }

    /** The append's connection: one transaction, and its own waits bounded (a deadlock is found long before). */
    private static Connection openAppend(TestDatabase database) throws SQLException {
        Connection appender = database.dataSource().getConnection();
        try (Statement statement = appender.createStatement()) {
            statement.execute("SET lock_timeout = '30s'");
        }
        appender.setAutoCommit(false);
        return appender;
    }

    /**
     * An append of the release before, the locked way (ChainedAuditWriter): the chain head read FOR UPDATE, the event
     * inserted after it, the head moved; in {@code connection}'s transaction, if it has one. The hashes are not
     * chained: no test here verifies the chain.
     */
    private static long append(Connection connection, String attempt, String outcome) throws SQLException {
        long sequence;
        try (Statement statement = connection.createStatement();
             ResultSet head = statement.executeQuery(
                     "SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE")) {
            head.next();
            sequence = head.getLong(1) + 1;
        }
        String hash = "decode('" + "00".repeat(32) + "', 'hex')";
        boolean withReason = !outcome.equals("ACCEPTED") && !outcome.equals("COMPLETED");
        try (Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO audit_event (sequence, occurred_at, team, request_id, operation, "
                    + "outcome_kind, outcome_reason, outcome_cause, detail, previous_hash, hash) VALUES (" + sequence
                    + ", timestamptz '2026-03-01 00:00:00Z' + interval '" + sequence + " seconds', 'blue', 'r-"
                    + sequence + "', 'CREATE_SNAPSHOT', '" + outcome + "', "
                    + (withReason ? "'PROVIDER_TIMEOUT', 'VPS.org did not answer in time', " : "NULL, NULL, ")
                    + "jsonb_build_object('attempt_id', '" + attempt + "'), " + hash + ", " + hash + ")");
            statement.execute("UPDATE audit_chain_head SET last_sequence = " + sequence + " WHERE id = 1");
        }
        return sequence;
    }

    /**
     * The rest of the append's statement: its outbox part as the release before V57 sends it (today's, without the
     * filter on V57's mark), bound by the outbox itself for a COMPLETED event of team blue.
     */
    private static void queueDeliveriesAsThePreviousReleaseDoes(Connection appender, long sequence) throws SQLException {
        String deliveries = WebhookOutbox.DELIVERIES.replaceAll("\\s+AND s\\.deleted_at IS NULL", "");
        assertThat(deliveries).as("the outbox's filter on V57's mark").isNotEqualTo(WebhookOutbox.DELIVERIES);
        RecordedAuditEvent event = new RecordedAuditEvent(sequence, new AuditEvent(Instant.parse("2026-03-01T00:00:00Z"),
                new TeamId("blue"), new RequestId("r-" + sequence), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(4242)), Optional.empty(), new Outcome.Completed(), OptionalInt.empty(),
                Map.of("attempt_id", "a-1")));
        try (PreparedStatement outbox = appender.prepareStatement("WITH head AS (SELECT 1),\n" + deliveries
                + "\nSELECT 1")) {
            new WebhookOutbox(new PlainTextWebhookFormat()).bind(appender, outbox, 1, List.of(event));
            outbox.execute();
        }
    }

    /**
     * Polls, bounded, until the migration waits for a lock that {@code holder} holds, and names the lock it waits for.
     * Fails if the migration ends first: the append in flight did not hold it up.
     */
    private static String lockAwaitedFrom(Connection observer, Connection holder, Future<MigrateResult> migration)
            throws Exception {
        int holderPid = backendPid(holder);
        long deadline = System.nanoTime() + BOUND.toNanos();
        try (PreparedStatement waiting = observer.prepareStatement("SELECT l.mode || ' on ' || coalesce(c.relname, "
                + "l.locktype) FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation "
                + "WHERE NOT l.granted AND ? = ANY (pg_blocking_pids(l.pid))")) {
            waiting.setInt(1, holderPid);
            while (System.nanoTime() < deadline) {
                if (migration.isDone()) {
                    throw new AssertionError("the migration ended without waiting for the append in flight: "
                            + completed(migration));
                }
                try (ResultSet rs = waiting.executeQuery()) {
                    if (rs.next()) {
                        return rs.getString(1);
                    }
                }
                Thread.sleep(10);
            }
        }
        throw new AssertionError("the migration did not wait for the append within " + BOUND);
    }

    /** A plain count of audit_event on a connection of its own, its lock wait bounded by {@link #READ_LOCK_TIMEOUT}. */
    private static long countReadWhileTheMigrationWaits(TestDatabase database) throws SQLException {
        try (Connection reader = database.dataSource().getConnection(); Statement statement = reader.createStatement()) {
            statement.execute("SET lock_timeout = '" + READ_LOCK_TIMEOUT + "'");
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM audit_event")) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                throw new AssertionError("a read of audit_event waited on the migration (" + e.getSQLState() + ")", e);
            }
        }
    }

    private static MigrateResult completed(Future<MigrateResult> migration) throws Exception {
        try {
            return migration.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the migration failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static int backendPid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
