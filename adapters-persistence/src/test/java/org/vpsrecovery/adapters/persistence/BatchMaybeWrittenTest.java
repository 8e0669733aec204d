package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.ApplicationLogin;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.adapters.persistence.webhook.WebhookOutbox;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;

/**
 * A batch whose round trip fails after its COMMIT (ADR 0102, amended in session 42) is on the chain: its callers are
 * told it may have been written, never that it was not, so whoever writes it again looks first (ADR 0141). Here the
 * flush's wait after the COMMIT fails as it did on every append on PostgreSQL 16: the service's role may not call
 * pg_logical_emit_message in this database.
 */
class BatchMaybeWrittenTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    static final ApplicationLogin APP = ApplicationLogin.named("vpsr_app_maybe");

    private static final Instant T0 = Instant.parse("2026-12-06T06:00:00Z");

    @Test
    void aFailureAfterTheCommitIsMaybeWrittenNeverNotWritten() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        database.execute("REVOKE EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text, boolean) FROM PUBLIC");
        DataSource asApp = database.dataSourceAs(APP.name(), APP.password());
        // The first batch locks the head and commits in the round trip that then waits for the flush.
        GroupCommit appends = new GroupCommit(
                new ChainedAuditWriter(asApp, new WebhookOutbox(new PlainTextWebhookFormat())), 10);

        assertThatThrownBy(() -> appends.append(intent("maybe-1")))
                .isInstanceOf(DatabaseFailure.class)
                .hasMessageContaining("may have been written")
                .hasMessageNotContaining("was not written");
        assertThat(storedWithRequest(database.dataSource(), "maybe-1")).isEqualTo(1);
    }

    /**
     * The writer's checks after the COMMIT (the rows the statement took, the head it moved) failing: the database took
     * one of a batch's two events (a row trigger drops the other), committed. Every way that commits is run: the first
     * batch's locked way, the known way alone, the database-hashed way and the known way in a transaction (the last two
     * while another writer was seen within the last 5 s; later, they go the known way alone, which the same answer
     * holds for). Each time the kept event is stored and its caller is told "may have been written", never "not".
     */
    @Test
    void aCommittedBatchThatFailsTheWritersChecksIsMaybeWrittenOnEveryWay() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        database.execute("""
                CREATE FUNCTION drop_the_dropped() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RETURN CASE WHEN NEW.request_id LIKE 'dropped-%' THEN NULL ELSE NEW END;
                END
                $$""");
        database.execute("CREATE TRIGGER drop_the_dropped BEFORE INSERT ON audit_event FOR EACH ROW "
                + "EXECUTE FUNCTION drop_the_dropped()");
        DataSource asApp = database.dataSourceAs(APP.name(), APP.password());
        WebhookOutbox outbox = new WebhookOutbox(new PlainTextWebhookFormat());
        GroupCommit appends = new GroupCommit(new ChainedAuditWriter(asApp, outbox), 10);
        GroupCommit another = new GroupCommit(new ChainedAuditWriter(asApp, outbox), 10);

        // The locked way: the writer's first batch.
        assertMaybeWrittenAndKeptStored(database, appends, intent("kept-locked"), intent("dropped-locked"));
        // The known way alone: two batches the locked way (after a batch not confirmed, the head is read again), the
        // second finding the head where the first left it; the next goes the known way.
        appends.append(intent("settle-1"));
        appends.append(intent("settle-2"));
        assertMaybeWrittenAndKeptStored(database, appends, intent("kept-alone"), intent("dropped-alone"));
        // Another writer moves the head; this writer finds it moved (the locked way), then hashes in the database.
        another.append(intent("other-writer"));
        appends.append(intent("after-the-other"));
        assertMaybeWrittenAndKeptStored(database, appends, intent("kept-hashed"), intent("dropped-hashed"));
        // A batch with a webhook event type keeps the known way, in a transaction while the other writer is recent:
        // first two batches hashed, the second finding the head where the first left it.
        appends.append(intent("settle-3"));
        appends.append(intent("settle-4"));
        assertMaybeWrittenAndKeptStored(database, appends, submitted("kept-webhook"), submitted("dropped-webhook"));
    }

    private static void assertMaybeWrittenAndKeptStored(TestDatabase database, GroupCommit appends, AuditEvent kept,
                                                        AuditEvent dropped) throws SQLException {
        assertThatThrownBy(() -> appends.appendAll(List.of(kept, dropped)))
                .isInstanceOf(DatabaseFailure.class)
                .hasMessageContaining("may have been written")
                .hasMessageNotContaining("was not written");
        assertThat(storedWithRequest(database.dataSource(), kept.requestId().value()))
                .as("the kept event of the batch %s is stored", kept.requestId().value()).isEqualTo(1);
    }

    private static AuditEvent intent(String request) {
        return new AuditEvent(T0, new TeamId("blue"), new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(4242)), Optional.empty(), new Outcome.Accepted(), OptionalInt.empty(),
                Map.of("name", "snap-" + request));
    }

    private static AuditEvent submitted(String request) {
        return new AuditEvent(T0, new TeamId("blue"), new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(4242)), Optional.empty(), new Outcome.Submitted(), OptionalInt.empty(),
                Map.of("name", "snap-" + request));
    }

    private static long storedWithRequest(DataSource dataSource, String request) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT count(*) FROM audit_event WHERE request_id = ?")) {
            count.setString(1, request);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
