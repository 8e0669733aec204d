package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
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
import org.postgresql.PGConnection;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.ChainVerification.Fault;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The walk in chunks checked on several threads (ADR 0046) finds the first break a one-thread walk
 * finds, with the same fault and explanation, whichever chunk holds it; and the walk after a
 * checkpoint reads only the events after it. Here in windows of 50 rows, each in a snapshot of its own (ADR 0023,
 * amended in session 46), so every walk below crosses window boundaries and its last window may hold no row.
 */
class ChainVerifierTest {

    private static final int EVENTS = 300;
    private static final int SMALL_CHUNK = 16;
    private static final int SMALL_WINDOW = 50;

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Test
    void manySmallChunksFindTheEarliestBreakOfEitherKind() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        ChainVerifier verifier = verifierWithEvents(database);
        ChainHash head = hashAt(database, EVENTS);
        assertThat(verifier.verify()).isEqualTo(new ChainVerification.Intact(EVENTS, head));

        tamper(database, "UPDATE audit_event SET team = 'green' WHERE sequence = 230");
        assertThat(verifier.verify()).isEqualTo(new ChainVerification.Broken(230, Fault.ALTERED_EVENT,
                "event 230 no longer matches its stored hash"));

        // A broken link before it, in another chunk: the earlier break is the answer.
        tamper(database, "UPDATE audit_event SET previous_hash = decode(repeat('11', 32), 'hex') WHERE sequence = 170");
        assertThat(verifier.verify()).isEqualTo(new ChainVerification.Broken(170, Fault.BROKEN_LINK,
                "event 170 links to " + ChainHash.of(new byte[32]).hex().replace('0', '1') + " but the hash before it is "
                        + hashAt(database, 169)));

        // An altered event before the broken link, checked on another thread meanwhile, comes first.
        tamper(database, "UPDATE audit_event SET request_id = 'forged' WHERE sequence = 41");
        assertThat(verifier.verify()).isEqualTo(new ChainVerification.Broken(41, Fault.ALTERED_EVENT,
                "event 41 no longer matches its stored hash"));

        // A gap before all of them.
        tamper(database, "DELETE FROM audit_event WHERE sequence = 7");
        assertThat(verifier.verify()).isEqualTo(new ChainVerification.Broken(7, Fault.MISSING_EVENT,
                "event 7 is missing; the next stored event is 8"));
    }

    @Test
    void aWalkAfterACheckpointReadsTheEventsSinceIt() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        ChainVerifier verifier = verifierWithEvents(database);
        ChainHash atCheckpoint = hashAt(database, 250);
        ChainHash head = hashAt(database, EVENTS);

        assertThat(verifier.verifyAfter(250, atCheckpoint))
                .isEqualTo(new ChainVerification.Intact(50, head, 0, Optional.empty(), 250));
        assertThat(verifier.verifyAfter(EVENTS, head))
                .isEqualTo(new ChainVerification.Intact(0, head, 0, Optional.empty(), EVENTS));

        // Before the checkpoint, with its hashes left as they were: only the whole walk reads it.
        tamper(database, "UPDATE audit_event SET team = 'green' WHERE sequence = 120");
        assertThat(verifier.verifyAfter(250, atCheckpoint).isIntact()).isTrue();
        assertThat(verifier.verify()).isEqualTo(new ChainVerification.Broken(120, Fault.ALTERED_EVENT,
                "event 120 no longer matches its stored hash"));

        tamper(database, "UPDATE audit_event SET team = 'green' WHERE sequence = 281");
        assertThat(verifier.verifyAfter(250, atCheckpoint)).isEqualTo(new ChainVerification.Broken(281,
                Fault.ALTERED_EVENT, "event 281 no longer matches its stored hash"));
        // A checkpoint hash that is not the stored one: the first event after it does not link.
        assertThat(verifier.verifyAfter(249, atCheckpoint)).isInstanceOfSatisfying(ChainVerification.Broken.class,
                broken -> assertThat(broken.fault()).isEqualTo(Fault.BROKEN_LINK));
    }

    /**
     * A row the owner changed past what the constraints keep out (an unbounded time, a NULL, a failure without its
     * reason) is an altered event at its sequence, whether the worker or the reading thread finds it: never a
     * failed walk, which the API answered 500 and the checkpoint job only retried (session 39).
     */
    @Test
    void aRowThatIsNoLongerAnEventIsAnAlteredEventAtItsSequence() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        ChainVerifier verifier = verifierWithEvents(database);
        String occurredAt = text(database, "SELECT occurred_at::text FROM audit_event WHERE sequence = 5");

        // pgjdbc reads 'infinity' as OffsetDateTime.MAX: an Instant whose epoch microseconds overflow a long.
        tamper(database, "UPDATE audit_event SET occurred_at = 'infinity' WHERE sequence = 5");
        assertAlteredAt5(verifier.verify(), "event 5 is no longer a valid audit event: occurred at ");
        tamper(database, "UPDATE audit_event SET occurred_at = '-infinity' WHERE sequence = 5");
        assertAlteredAt5(verifier.verify(), "event 5 is no longer a valid audit event: occurred at ");
        tamper(database, "UPDATE audit_event SET occurred_at = '" + occurredAt + "' WHERE sequence = 5");
        assertThat(verifier.verify().isIntact()).isTrue();

        tamper(database, "ALTER TABLE audit_event ALTER COLUMN team DROP NOT NULL");
        tamper(database, "UPDATE audit_event SET team = NULL WHERE sequence = 5");
        assertAlteredAt5(verifier.verify(), "event 5 is no longer a valid audit event: no team id");
        tamper(database, "UPDATE audit_event SET team = 'blue' WHERE sequence = 5");

        tamper(database, "ALTER TABLE audit_event DROP CONSTRAINT audit_event_outcome_shape");
        tamper(database, "UPDATE audit_event SET outcome_kind = 'FAILED', outcome_reason = NULL, outcome_cause = NULL "
                + "WHERE sequence = 5");
        assertAlteredAt5(verifier.verify(), "event 5 is no longer a valid audit event: no reason");

        // With its link broken too, the reading thread finds the row first and says the same.
        tamper(database, "UPDATE audit_event SET team = NULL, previous_hash = decode(repeat('11', 32), 'hex') "
                + "WHERE sequence = 5");
        assertAlteredAt5(verifier.verify(), "event 5 is no longer a valid audit event: ");
    }

    /**
     * An event a later release wrote with an operation this release does not know (after a rollback, or beside a newer
     * instance) is no altered event when its hash holds: the walk says a later release wrote it, a distinct fault. Its
     * name changed without its hash is still an altered event. Before session 48 both were ALTERED_EVENT ("tampered").
     */
    @Test
    void anEventOfALaterReleaseWhoseHashHoldsIsNotAnAlteredOne() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ChainVerifier verifier = verifierWithEvents(database);
        tamper(database, "ALTER TABLE audit_event DROP CONSTRAINT IF EXISTS audit_event_operation_check");

        tamper(database, "UPDATE audit_event SET operation = 'A_LATER_OPERATION' WHERE sequence = " + EVENTS);
        assertThat(verifier.verify()).as("the name changed, the hash not")
                .isInstanceOfSatisfying(ChainVerification.Broken.class, altered -> {
                    assertThat(altered.sequence()).isEqualTo(EVENTS);
                    assertThat(altered.fault()).isEqualTo(Fault.ALTERED_EVENT);
                });

        // As the later release hashed it: its encoding holds the name where this release's holds CREATE_SNAPSHOT.
        String encoding = new String(org.vpsrecovery.domain.audit.AuditChain.canonicalEncoding(EVENTS, event(EVENTS)),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(encoding).contains("\n15:CREATE_SNAPSHOT\n");
        java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
        sha256.update(hashAt(database, EVENTS - 1).bytes());
        sha256.update(encoding.replace("\n15:CREATE_SNAPSHOT\n", "\n17:A_LATER_OPERATION\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String hash = java.util.HexFormat.of().formatHex(sha256.digest());
        tamper(database, "UPDATE audit_event SET hash = decode('" + hash + "', 'hex') WHERE sequence = " + EVENTS);
        tamper(database, "ALTER TABLE audit_chain_head DISABLE TRIGGER audit_chain_head_forward_only; "
                + "UPDATE audit_chain_head SET last_hash = decode('" + hash + "', 'hex') WHERE id = 1; "
                + "ALTER TABLE audit_chain_head ENABLE TRIGGER audit_chain_head_forward_only");

        assertThat(verifier.verify()).isInstanceOfSatisfying(ChainVerification.Broken.class, later -> {
            assertThat(later.sequence()).isEqualTo(EVENTS);
            assertThat(later.fault()).isEqualTo(Fault.WRITTEN_BY_A_LATER_RELEASE);
            assertThat(later.explanation()).startsWith("event " + EVENTS + " holds the operation A_LATER_OPERATION, "
                    + "which this release does not know");
        });
    }

    /**
     * The review of session 48's merge: one row edited to a made-up name and rehashed alone, then later rows altered
     * and deleted. The row's hash holds over its stored parts, as any row's may, so the walk goes on past it and
     * reports the link it broke at the next row; before, it stopped at the row and said only "a later release wrote it".
     */
    @Test
    void aRowRenamedAndRehashedAloneHidesNoBreakAfterIt() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ChainVerifier verifier = verifierWithEvents(database);
        tamper(database, "ALTER TABLE audit_event DROP CONSTRAINT IF EXISTS audit_event_operation_check");
        tamper(database, "UPDATE audit_event SET operation = 'A_LATER_OPERATION', hash = decode('"
                + laterHash(hashAt(database, 99), 100) + "', 'hex') WHERE sequence = 100");
        tamper(database, "UPDATE audit_event SET team = 'green' WHERE sequence = 150");
        tamper(database, "DELETE FROM audit_event WHERE sequence BETWEEN 200 AND 260");

        assertThat(verifier.verify()).isInstanceOfSatisfying(ChainVerification.Broken.class, broken -> {
            assertThat(broken.sequence()).isEqualTo(101);
            assertThat(broken.fault()).isEqualTo(Fault.BROKEN_LINK);
        });
    }

    /**
     * Rows of a later release's chained as that release would: the walk counts them and goes on, so an event altered
     * after them is reported; with nothing else broken the verdict names the first of them and how many there are.
     */
    @Test
    void theWalkGoesOnPastEventsOfALaterReleaseAndReportsThemOnlyWhenNothingElseIsBroken() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        ChainVerifier verifier = verifierWithEvents(database);
        tamper(database, "ALTER TABLE audit_event DROP CONSTRAINT IF EXISTS audit_event_operation_check");
        ChainHash previous = hashAt(database, 99);
        StringBuilder rechain = new StringBuilder();
        for (int i = 100; i <= EVENTS; i++) {
            boolean later = i == 100 || i == 200;
            String hash = later ? laterHash(previous, i) : AuditChain.link(previous, i, event(i)).hex();
            rechain.append("UPDATE audit_event SET ").append(later ? "operation = 'A_LATER_OPERATION', " : "")
                    .append("previous_hash = decode('").append(previous.hex()).append("', 'hex'), hash = decode('")
                    .append(hash).append("', 'hex') WHERE sequence = ").append(i).append("; ");
            previous = new ChainHash(hash);
        }
        tamper(database, rechain.toString());
        tamper(database, "ALTER TABLE audit_chain_head DISABLE TRIGGER audit_chain_head_forward_only; "
                + "UPDATE audit_chain_head SET last_hash = decode('" + previous.hex() + "', 'hex') WHERE id = 1; "
                + "ALTER TABLE audit_chain_head ENABLE TRIGGER audit_chain_head_forward_only");

        assertThat(verifier.verify()).isInstanceOfSatisfying(ChainVerification.Broken.class, later -> {
            assertThat(later.sequence()).isEqualTo(100);
            assertThat(later.fault()).isEqualTo(Fault.WRITTEN_BY_A_LATER_RELEASE);
            assertThat(later.explanation()).startsWith("event 100 holds the operation A_LATER_OPERATION, which this "
                    + "release does not know: it is the first of 2 events");
        });

        tamper(database, "UPDATE audit_event SET team = 'green' WHERE sequence = 250");
        assertThat(verifier.verify()).isInstanceOfSatisfying(ChainVerification.Broken.class, altered -> {
            assertThat(altered.sequence()).isEqualTo(250);
            assertThat(altered.fault()).isEqualTo(Fault.ALTERED_EVENT);
        });
    }

    /** The hash of {@link #event} at {@code sequence} after {@code previous} as a later release with its operation. */
    private static String laterHash(ChainHash previous, int sequence) {
        AuditChain.StoredParts parts = AuditChain.StoredParts.of(event(sequence));
        return AuditChain.link(previous, sequence, new AuditChain.StoredParts(parts.occurredAt(), parts.team(),
                parts.requestId(), "A_LATER_OPERATION", parts.serverId(), parts.resourceType(), parts.resourceId(),
                parts.outcomeKind(), parts.outcomeReason(), parts.outcomeCause(), parts.providerStatus(),
                parts.detail())).hex();
    }

    /**
     * Between two windows the walking session is idle, with no snapshot: PostgreSQL may clean up the head's old
     * versions the appends leave meanwhile (one snapshot held for the whole walk kept them, and every append slowed).
     * And the windows join into one walk: events appended meanwhile are walked on to the head the last window reads,
     * with no break at a boundary; an event altered or removed ahead of the walk is found where it is.
     */
    @Test
    void betweenWindowsTheWalkHoldsNoSnapshotAndItsWindowsJoinIntoOneWalk() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        ApplicationContext context = contexts.on(database);
        AuditHistory history = context.getBean(AuditHistory.class);
        append(history, 1, EVENTS);
        DataSource pool = PostgresAdapterFactory.pooled(context.getBean(DataSource.class));

        List<Long> boundaries = new ArrayList<>();
        List<String> walkingSessions = new ArrayList<>();
        ChainVerifier verifier = new ChainVerifier(pool, SMALL_CHUNK, SMALL_WINDOW, (walking, walkedThrough) -> {
            boundaries.add(walkedThrough);
            walkingSessions.add(sessionOf(database, walking.unwrap(PGConnection.class).getBackendPID()));
            if (walkedThrough == SMALL_WINDOW) {
                // The probe sees a snapshot when one is held: a REPEATABLE READ transaction's, beside the walk.
                try (Connection other = database.dataSource().getConnection(); Statement statement = other.createStatement()) {
                    other.setAutoCommit(false);
                    other.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                    statement.execute("SELECT count(*) FROM audit_chain_head");
                    assertThat(sessionOf(database, other.unwrap(PGConnection.class).getBackendPID()))
                            .isEqualTo("idle in transaction, snapshot held");
                    other.rollback();
                }
                append(history, EVENTS + 1, EVENTS + 10);
            }
        });
        assertThat(verifier.verify()).isEqualTo(new ChainVerification.Intact(EVENTS + 10, hashAt(database, EVENTS + 10)));
        // 310 events in windows of 50: six full ones, then a last of ten with the head.
        assertThat(boundaries).containsExactly(50L, 100L, 150L, 200L, 250L, 300L);
        assertThat(walkingSessions).hasSize(6).containsOnly("idle, no snapshot");

        // Altered and removed ahead of the walk, once it has passed the first window: found where they are.
        ChainVerifier tamperingAhead = new ChainVerifier(pool, SMALL_CHUNK, SMALL_WINDOW, (walking, walkedThrough) -> {
            if (walkedThrough == SMALL_WINDOW) {
                tamperBesideTheWalk(database, "UPDATE audit_event SET team = 'green' WHERE sequence = 230");
            }
        });
        assertThat(tamperingAhead.verify()).isEqualTo(new ChainVerification.Broken(230, Fault.ALTERED_EVENT,
                "event 230 no longer matches its stored hash"));
        // The first event of the third window, removed at the first boundary.
        ChainVerifier removingAhead = new ChainVerifier(pool, SMALL_CHUNK, SMALL_WINDOW, (walking, walkedThrough) -> {
            if (walkedThrough == SMALL_WINDOW) {
                tamperBesideTheWalk(database, "DELETE FROM audit_event WHERE sequence = 101");
            }
        });
        assertThat(removingAhead.verify()).isEqualTo(new ChainVerification.Broken(101, Fault.MISSING_EVENT,
                "event 101 is missing; the next stored event is 102"));
    }

    /** The session's state and whether it holds a snapshot (its xmin), as another session sees it. */
    private static String sessionOf(TestDatabase database, int pid) throws SQLException {
        try (Connection observer = database.dataSource().getConnection();
             PreparedStatement select = observer.prepareStatement("SELECT state, backend_xmin IS NOT NULL"
                     + " FROM pg_stat_activity WHERE pid = ?")) {
            select.setInt(1, pid);
            try (ResultSet rs = select.executeQuery()) {
                assertThat(rs.next()).as("session " + pid + " is live").isTrue();
                return rs.getString(1) + (rs.getBoolean(2) ? ", snapshot held" : ", no snapshot");
            }
        }
    }

    /**
     * As the owner while the walk is paused, with the append-only guard off for this transaction only
     * ({@code session_replication_role}, so no table lock beside the walk; the test's owner is a superuser).
     */
    private static void tamperBesideTheWalk(TestDatabase database, String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("SET LOCAL lock_timeout = '10s'");
            statement.execute("SET LOCAL session_replication_role = replica");
            statement.execute(sql);
            connection.commit();
        }
    }

    private static void assertAlteredAt5(ChainVerification verification, String explanationStart) {
        assertThat(verification).isInstanceOfSatisfying(ChainVerification.Broken.class, broken -> {
            assertThat(broken.sequence()).isEqualTo(5);
            assertThat(broken.fault()).isEqualTo(Fault.ALTERED_EVENT);
            assertThat(broken.explanation()).startsWith(explanationStart);
        });
    }

    private static String text(TestDatabase database, String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private ChainVerifier verifierWithEvents(TestDatabase database) {
        ApplicationContext context = contexts.on(database);
        append(context.getBean(AuditHistory.class), 1, EVENTS);
        return new ChainVerifier(PostgresAdapterFactory.pooled(context.getBean(DataSource.class)), SMALL_CHUNK,
                SMALL_WINDOW, ChainVerifier.BetweenWindows.NOTHING);
    }

    private static void append(AuditHistory history, int first, int last) {
        for (int i = first; i <= last; i++) {
            history.append(event(i));
        }
    }

    private static AuditEvent event(int i) {
        return new AuditEvent(Instant.parse("2026-03-01T08:00:00Z").plusSeconds(i), new TeamId("blue"),
                new RequestId("r-" + i), Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(7)), Optional.empty(),
                i % 2 == 0 ? new Outcome.Completed() : new Outcome.Accepted(), OptionalInt.empty(),
                Map.of("name", "snap-" + i));
    }

    /** As the owner, with the append-only guard switched off for the change. */
    private static void tamper(TestDatabase database, String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
            statement.execute(sql);
            statement.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
            connection.commit();
        }
    }

    private static ChainHash hashAt(TestDatabase database, long sequence) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT hash FROM audit_event WHERE sequence = " + sequence)) {
            rs.next();
            return ChainHash.of(rs.getBytes(1));
        }
    }
}
