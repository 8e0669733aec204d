package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.ApplicationLogin;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.adapters.persistence.webhook.WebhookOutbox;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.ChainPositions;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * A batch is on disk when its writer returns, also when its commit did not wait for the flush (ADR 0102): a batch
 * without deliveries commits unflushed, and its writer then waits for the flush of a message written after the
 * commit. Read through pg_walinspect, which reads only the WAL already flushed: a record it returns is on disk. The
 * test server runs with synchronous_commit off; each test's database has it on, as the service's server has, so a
 * commit that did not wait for the flush is one that asked not to.
 */
class ChainedAuditWriterFlushTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    private static final Instant T0 = Instant.parse("2026-12-03T09:00:00Z");
    // The service's own role, not a superuser: the flush needs no grant beyond the migrations' (ADR 0102).
    @RegisterExtension
    static final ApplicationLogin APP = ApplicationLogin.named("vpsr_app_flush");

    /** A WAL record as pg_walinspect lists it. */
    private record WalRecord(String startLsn, String resourceManager, String type, String description, long xid) {
    }

    private static AuditEvent intent(String request) {
        return new AuditEvent(T0, new TeamId("blue"), new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(4242)), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(),
                Map.of("name", "snap-" + request));
    }

    private static AuditEvent submitted(String request) {
        return new AuditEvent(T0, new TeamId("blue"), new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(4242)), Optional.empty(), new Outcome.Submitted(), OptionalInt.of(201),
                Map.of("name", "snap-" + request));
    }

    /** A fresh database whose flushed WAL pg_walinspect reads. */
    private static TestDatabase readableWal() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        database.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
        return database;
    }

    /** As {@link #readableWal}, its commits waiting for the flush unless they ask not to, as on the service's server. */
    private static TestDatabase readableWalDurableCommits() throws SQLException {
        TestDatabase database = readableWal();
        database.execute("ALTER DATABASE " + database.name() + " SET synchronous_commit = on");
        return database;
    }

    private static String insertLsn(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The flushed WAL's records from {@code from} on: commits and logical messages, in the log's order. */
    private static List<WalRecord> flushedSince(DataSource dataSource, String from) throws SQLException {
        List<WalRecord> records = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement flushedPast = connection.prepareStatement(
                     "SELECT pg_current_wal_flush_lsn() > ?::pg_lsn")) {
            flushedPast.setString(1, from);
            try (ResultSet rs = flushedPast.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    // Nothing flushed since: pg_walinspect refuses to read past the flush.
                    return records;
                }
            }
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT start_lsn::text, resource_manager, record_type, coalesce(description, ''), xid::text::bigint"
                             + " FROM pg_get_wal_records_info(?::pg_lsn, 'FFFFFFFF/FFFFFFFF')"
                             + " WHERE record_type = 'COMMIT' OR resource_manager = 'LogicalMessage' ORDER BY start_lsn")) {
            statement.setString(1, from);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    records.add(new WalRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getLong(5)));
                }
            }
        }
        return records;
    }

    /** The transaction that wrote the event at {@code sequence}. */
    private static long writtenBy(DataSource dataSource, long sequence) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(
                     "SELECT xmin::text::bigint FROM audit_event WHERE sequence = " + sequence)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The records from the commit of {@code xid} on; empty when that commit is not on disk yet. */
    private static List<WalRecord> fromCommitOf(List<WalRecord> records, long xid) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).type().equals("COMMIT") && records.get(i).xid() == xid) {
                return records.subList(i, records.size());
            }
        }
        return List.of();
    }

    /** Whether the writer's flush message follows the commit in {@code fromCommit}. */
    private static boolean messageFollows(List<WalRecord> fromCommit) {
        return fromCommit.stream().anyMatch(record -> record.resourceManager().equals("LogicalMessage")
                && record.description().contains("vpsr.audit"));
    }

    /** Writes the batch and returns the flushed WAL from its commit on (empty if that commit is not on disk). */
    private static List<WalRecord> writeAndReadFromItsCommit(TestDatabase database, ChainedAuditWriter writer,
            List<AuditEvent> batch) throws SQLException {
        String before = insertLsn(database.dataSource());
        List<RecordedAuditEvent> written = writer.write(batch);
        List<WalRecord> flushed = flushedSince(database.dataSource(), before);
        return fromCommitOf(flushed, writtenBy(database.dataSource(), written.getLast().sequence()));
    }

    @Test
    void aBatchWithoutDeliveriesIsOnDiskWhenTheServicesRolesWriterReturns() throws Exception {
        TestDatabase database = readableWalDurableCommits();
        DataSource asApp = database.dataSourceAs(APP.name(), APP.password());
        ChainedAuditWriter writer = new ChainedAuditWriter(asApp, new WebhookOutbox(new PlainTextWebhookFormat()));

        // The first two batches go the locked way (the second finds the head where the first left it): each commits
        // unflushed and the writer's message flushes it.
        for (List<AuditEvent> batch : List.of(List.of(intent("a"), intent("b")), List.of(intent("c")))) {
            List<WalRecord> locked = writeAndReadFromItsCommit(database, writer, batch);
            assertThat(locked).as("the batch's commit is on disk").isNotEmpty();
            assertThat(messageFollows(locked)).as("the writer's flushed message follows the commit: %s", locked)
                    .isTrue();
        }

        // The third goes the known way, alone: its one statement's commit waited for the flush itself (ADR 0088).
        List<WalRecord> known = writeAndReadFromItsCommit(database, writer, List.of(intent("d")));
        assertThat(known).as("the known way's commit is on disk").isNotEmpty();
        assertThat(messageFollows(known)).as("no message: %s", known).isFalse();
    }

    @Test
    void onceAnotherWriterMovedTheHeadTheKnownWayReleasesItBeforeTheFlushAndIsOnDiskWhenItReturns() throws Exception {
        TestDatabase database = readableWalDurableCommits();
        DataSource asApp = database.dataSourceAs(APP.name(), APP.password());
        ChainedAuditWriter writer = new ChainedAuditWriter(asApp, new WebhookOutbox(new PlainTextWebhookFormat()));
        ChainedAuditWriter otherInstance = new ChainedAuditWriter(asApp,
                new WebhookOutbox(new PlainTextWebhookFormat()));
        writer.write(List.of(intent("a")));
        otherInstance.write(List.of(intent("b")));
        // The head moved: the locked way writes this batch and the next (which finds the head where this one left it).
        writer.write(List.of(intent("c")));
        writer.write(List.of(intent("f")));

        // The other instance was busy a moment ago, so the batch commits unflushed and waits for the flush after the
        // head's lock (ADR 0102); being without deliveries, it is the database-hashed statement (ADR 0115).
        List<WalRecord> known = writeAndReadFromItsCommit(database, writer, List.of(intent("d"), intent("e")));
        assertThat(known).as("the batch's commit is on disk").isNotEmpty();
        assertThat(messageFollows(known)).as("the writer's flushed message follows the commit: %s", known).isTrue();
        assertThat(database.strings("SELECT count(*) FROM audit_event")).containsExactly("6");
    }

    @Test
    void aBatchThatCausesDeliveriesCommitsWithoutTheWritersMessage() throws Exception {
        TestDatabase database = readableWalDurableCommits();
        database.execute("INSERT INTO webhook_subscription (id, team, target_url, event_types, secret, created_at)"
                + " VALUES (gen_random_uuid(), 'blue', 'https://hooks.example/blue', 'operation.submitted',"
                + " 'whsec_dGVzdA==', now())");
        ChainedAuditWriter writer = new ChainedAuditWriter(database.dataSource(),
                new WebhookOutbox(new PlainTextWebhookFormat()));
        String before = insertLsn(database.dataSource());

        // A delivery must not be visible to the deliverer before it is durable: its batch's commit waits for the flush
        // itself, as every commit did before (the server's synchronous_commit).
        writer.write(List.of(intent("a"), submitted("a")));
        writer.write(List.of(submitted("b")));
        // A later batch without deliveries, alone: its commit waits for the flush itself (ADR 0088).
        writer.write(List.of(intent("c")));

        List<WalRecord> flushed = flushedSince(database.dataSource(), before);
        assertThat(fromCommitOf(flushed, writtenBy(database.dataSource(), 4))).as("all on disk: %s", flushed)
                .isNotEmpty();
        assertThat(flushed).as("no message: %s", flushed)
                .noneMatch(record -> record.resourceManager().equals("LogicalMessage"));
        assertThat(database.strings("SELECT audit_sequence FROM webhook_delivery ORDER BY audit_sequence"))
                .containsExactly("2", "3");
    }

    @Test
    void theHeadReadForACheckpointIsOnDiskWhenRead() throws Exception {
        TestDatabase database = readableWalDurableCommits();
        ChainPositions positions = contexts.on(database, APP.name(), APP.password()).getBean(ChainPositions.class);
        String before = insertLsn(database.dataSource());
        // A commit that did not wait for the flush (this test server's synchronous_commit is off), as a batch
        // without deliveries is visible before its writer's flush.
        long xid;
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL synchronous_commit = off");
                statement.executeUpdate("INSERT INTO webhook_subscription (id, team, target_url, event_types, secret,"
                        + " created_at) VALUES (gen_random_uuid(), 'blue', 'https://hooks.example/blue',"
                        + " 'operation.submitted', 'whsec_dGVzdA==', now())");
                try (ResultSet rs = statement.executeQuery("SELECT pg_current_xact_id()::text::bigint")) {
                    rs.next();
                    xid = rs.getLong(1);
                }
            }
            connection.commit();
        }

        positions.head();

        List<WalRecord> flushed = flushedSince(database.dataSource(), before);
        assertThat(fromCommitOf(flushed, xid)).as("the commit seen is on disk: %s", flushed)
                .anySatisfy(record -> assertThat(record.resourceManager()).isEqualTo("LogicalMessage"));
    }

    @Test
    void onAServerWhoseCommitsDoNotWaitForTheFlushTheWriterDoesNotWaitEither() throws Exception {
        TestDatabase database = readableWal();
        ChainedAuditWriter writer = new ChainedAuditWriter(database.dataSource(),
                new WebhookOutbox(new PlainTextWebhookFormat()));
        String before = insertLsn(database.dataSource());

        // This test server's synchronous_commit is off: its operator chose commits that do not wait; the batches are
        // as durable as any commit there, no more (as before ADR 0102), and written all the same.
        writer.write(List.of(intent("a"), intent("b")));
        writer.write(List.of(intent("c")));
        database.execute("SELECT pg_logical_emit_message(false, 'test.end', ''::text, true)");

        List<WalRecord> flushed = flushedSince(database.dataSource(), before);
        assertThat(flushed).as("%s", flushed).filteredOn(r -> r.resourceManager().equals("LogicalMessage"))
                .extracting(WalRecord::description).noneMatch(description -> description.contains("vpsr.audit"));
        assertThat(database.strings("SELECT count(*) FROM audit_event")).containsExactly("3");
    }
}
