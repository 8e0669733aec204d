package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.PostgresServer;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;

/**
 * What vouches that a call may have reached VPS.org, the operation row and the intent written before it, waits for a
 * synchronous standby when the server names one (ADR 0027, amended in session 46): a standby promoted after the call
 * then holds them, so a retry of the same key that takes the lease over finds them and does not call VPS.org again.
 * The standby named here never connects, so such a commit waits until the name is taken away: the wait is seen in
 * {@code pg_stat_activity} ({@code SyncRep}), then released. Before, these commits did not wait (written with
 * {@code synchronous_commit} off, then flushed to the local disk only). The embedded server only: the setting is the
 * whole server's.
 */
class CommitsUnderASynchronousStandbyTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    static final Instant AT = Instant.parse("2026-12-06T17:00:00Z");
    static final String ABSENT_STANDBY = "vpsr_absent_standby";
    static final Duration BOUND = Duration.ofSeconds(60);

    @Test
    void theOperationRowWrittenBeforeTheCallWaitsForTheStandby() throws Exception {
        TestDatabase database = synchronousDatabase();
        ApplicationContext context = contexts.onOneConnection(database);
        RecoveryOperations operations = context.getBean(RecoveryOperations.class);
        RecoveryOperation accepted = RecoveryOperation.accepted(OperationId.random(), new TeamId("blue"),
                new RequestId("req-standby"), Operation.CREATE_SNAPSHOT, new ServerId(12345), Optional.empty(), AT,
                Duration.ofMinutes(30));

        assertThat(waitsForTheStandby(database, context, () -> operations.addUnflushed(accepted))).isTrue();
        assertThat(operations.find(accepted.id())).isPresent();
    }

    @Test
    void anIntentWrittenTheLockedWayWaitsForTheStandby() throws Exception {
        TestDatabase database = synchronousDatabase();
        ApplicationContext context = contexts.onOneConnection(database);
        AuditHistory history = context.getBean(AuditHistory.class);
        // A writer's first batch reads and locks the head: the way a contended batch is written, committed unflushed.
        AuditEvent intent = new AuditEvent(AT, new TeamId("blue"), new RequestId("req-standby"), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(12345)), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(), Map.of());

        assertThat(waitsForTheStandby(database, context, () -> history.append(intent))).isTrue();
        assertThat(history.query(org.vpsrecovery.domain.audit.AuditQuery.latest(1))).hasSize(1);
    }

    /**
     * With a standby named, an audit batch's commit keeps the session's setting ({@code local} here, so nothing hangs on
     * the absent standby) and so already waited for the local flush: the writer's flush after it emits no WAL message.
     * With none named the batch commits unflushed and the flush's message is written. Counted in the WAL itself
     * ({@code pg_walinspect}), the write's {@code LogicalMessage} records (ADR 0102, amended in session 46).
     */
    @Test
    void anAuditBatchIsFlushedAfterItsCommitOnlyWhenItsCommitDidNotWaitForTheFlush() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        assumeTrue(database.server().source() == PostgresServer.Source.EMBEDDED, "changes the whole server's setting");
        database.execute("ALTER DATABASE " + database.name() + " SET synchronous_commit = local");
        database.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
        ApplicationContext context = contexts.onOneConnection(database);
        AuditHistory history = context.getBean(AuditHistory.class);
        DataSource pool = PostgresAdapterFactory.pooled(context.getBean(DataSource.class));
        PostgresServer server = database.server();

        server.execute("ALTER SYSTEM SET synchronous_standby_names = '" + ABSENT_STANDBY + "'");
        long withAStandby;
        try {
            server.execute("SELECT pg_reload_conf()");
            assertThat(awaitTrue(() -> ABSENT_STANDBY.equals(show(pool, "synchronous_standby_names")))).isTrue();
            withAStandby = flushMessagesOf(database, () -> history.append(intent("req-with-standby")));
        } finally {
            server.execute("ALTER SYSTEM RESET synchronous_standby_names");
            server.execute("SELECT pg_reload_conf()");
        }
        assertThat(awaitTrue(() -> show(pool, "synchronous_standby_names").isEmpty())).isTrue();
        long withoutAStandby = flushMessagesOf(database, () -> history.append(intent("req-without-standby")));

        assertThat(withAStandby).as("committed waiting for the flush: no flush after").isZero();
        assertThat(withoutAStandby).as("committed unflushed: flushed after").isEqualTo(1);
        assertThat(history.query(org.vpsrecovery.domain.audit.AuditQuery.latest(10))).hasSize(2);
    }

    static AuditEvent intent(String request) {
        // A writer's first batch reads and locks the head: the way a contended batch is written, committed unflushed.
        return new AuditEvent(AT, new TeamId("blue"), new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(12345)), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(), Map.of());
    }

    /** The WAL's logical messages (the writer's flush is one) written while {@code write} ran. */
    static long flushMessagesOf(TestDatabase database, Runnable write) throws SQLException {
        String from = database.strings("SELECT pg_current_wal_insert_lsn()::text").getFirst();
        write.run();
        return Long.parseLong(database.strings("SELECT count(*) FROM pg_get_wal_records_info('" + from
                + "'::pg_lsn, pg_current_wal_flush_lsn()) WHERE resource_manager = 'LogicalMessage'").getFirst());
    }

    /** A database whose sessions' commits wait as the service's server's do (the test server's are off). */
    static TestDatabase synchronousDatabase() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        assumeTrue(database.server().source() == PostgresServer.Source.EMBEDDED, "changes the whole server's setting");
        database.execute("ALTER DATABASE " + database.name() + " SET synchronous_commit = on");
        return database;
    }

    /**
     * Runs {@code write} while the server names a standby that never connects, and answers whether its commit waited
     * for it; the name is taken away after, which ends the wait, and the write's own answer is then awaited.
     */
    static boolean waitsForTheStandby(TestDatabase database, ApplicationContext context, Runnable write) throws Exception {
        DataSource pool = PostgresAdapterFactory.pooled(context.getBean(DataSource.class));
        PostgresServer server = database.server();
        boolean waited = false;
        CompletableFuture<Void> written = null;
        server.execute("ALTER SYSTEM SET synchronous_standby_names = '" + ABSENT_STANDBY + "'");
        try {
            server.execute("SELECT pg_reload_conf()");
            // The pool's one connection, the one the write runs on, has read the reloaded setting.
            awaitTrue(() -> ABSENT_STANDBY.equals(show(pool, "synchronous_standby_names")));
            written = CompletableFuture.runAsync(write);
            CompletableFuture<Void> writing = written;
            waited = awaitTrue(() -> writing.isDone() || !database.strings("SELECT pid FROM pg_stat_activity WHERE datname = '"
                    + database.name() + "' AND wait_event = 'SyncRep'").isEmpty()) && !writing.isDone();
        } finally {
            server.execute("ALTER SYSTEM RESET synchronous_standby_names");
            server.execute("SELECT pg_reload_conf()");
        }
        written.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        return waited;
    }

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} until it holds, at most {@link #BOUND}; answers whether it did. */
    static boolean awaitTrue(Condition condition) throws Exception {
        long end = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < end) {
            if (condition.holds()) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    static String show(DataSource pool, String setting) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
