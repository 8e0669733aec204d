package org.vpsrecovery.adapters.persistence.operation;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.UUID;
import org.vpsrecovery.adapters.persistence.testing.TestFlyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.PostgresServer;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;

/**
 * V63 (ADR 0029, amended in session 41): the session-40 release kept "released before VPS.org was asked" as words at
 * the start of the note. Its rows, written before V63, are read after it as they meant then: a released restore whose
 * note begins with those words was released before VPS.org was asked; any other row was not.
 */
class ReleasedBeforeVpsOrgWasAskedMigrationTest {

    private static final String SESSION_40_WORDS =
            "released while it waited for its safety snapshot, before VPS.org was asked to restore";

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Test
    void aRestoreTheSession40ReleaseNotedAsReleasedWhileWaitingIsReadAsReleasedBeforeVpsOrgWasAsked() throws SQLException {
        TestDatabase database = DATABASE.database();
        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").target("62").load()
                .migrate();
        UUID releasedWaiting = insert(database, "RESTORE_SNAPSHOT", "released",
                SESSION_40_WORDS + ": hold released early by team blue (request r-1)");
        UUID releasedWaitingNoWords = insert(database, "RESTORE_SERVER_FROM_BACKUP", "released", SESSION_40_WORDS);
        UUID releasedAsked = insert(database, "RESTORE_SNAPSHOT", "released", "hold released early by team blue");
        UUID wordsNotFirst = insert(database, "RESTORE_SNAPSHOT", "released", "note: " + SESSION_40_WORDS);
        UUID notReleased = insert(database, "RESTORE_SNAPSHOT", "failed", SESSION_40_WORDS);
        UUID noNote = insert(database, "RESTORE_SNAPSHOT", "released", null);

        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").load().migrate();

        RecoveryOperations operations = contexts.on(database).getBean(RecoveryOperations.class);
        RecoveryOperation read = operations.find(new OperationId(releasedWaiting)).orElseThrow();
        assertThat(read.state()).isEqualTo(OperationState.RELEASED);
        assertThat(read.releasedBeforeVpsOrgWasAsked()).isTrue();
        assertThat(read.note()).contains(SESSION_40_WORDS + ": hold released early by team blue (request r-1)");
        assertThat(operations.find(new OperationId(releasedWaitingNoWords)).orElseThrow().releasedBeforeVpsOrgWasAsked())
                .isTrue();
        for (UUID other : new UUID[] {releasedAsked, wordsNotFirst, notReleased, noNote}) {
            assertThat(operations.find(new OperationId(other)).orElseThrow().releasedBeforeVpsOrgWasAsked())
                    .as("%s", database.strings("SELECT state || ' ' || coalesce(note, '(no note)') FROM recovery_operation "
                            + "WHERE id = '" + other + "'"))
                    .isFalse();
        }
    }

    /**
     * V76 (ADR 0029, amended in session 55): a session-40 instance still running during V63's roll-out wrote its words
     * into a row whose column, new, stayed at its default false; V76 reads them as V63 did, leaving every other row.
     */
    @Test
    void aRestoreTheSession40ReleaseWroteAfterV63IsReadAsReleasedBeforeVpsOrgWasAsked() throws SQLException {
        TestDatabase database = PostgresServer.shared().createDatabase();
        try {
            releasedAfterV63IsReadAfterV76(database);
        } finally {
            database.drop();
        }
    }

    private void releasedAfterV63IsReadAfterV76(TestDatabase database) throws SQLException {
        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").target("74").load()
                .migrate();
        // Written by an old instance after V63: its columns only, the new one at its default.
        UUID releasedWaiting = insert(database, "RESTORE_SNAPSHOT", "released",
                SESSION_40_WORDS + ": hold released early by team blue (request r-2)");
        UUID releasedAsked = insert(database, "RESTORE_SNAPSHOT", "released", "hold released early by team blue");
        UUID notReleased = insert(database, "RESTORE_SERVER_FROM_BACKUP", "failed", SESSION_40_WORDS);
        assertThat(database.strings("SELECT released_before_vps_org_was_asked::text FROM recovery_operation "
                + "WHERE id = '" + releasedWaiting + "'")).containsExactly("false");

        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").load().migrate();

        RecoveryOperations operations = contexts.on(database).getBean(RecoveryOperations.class);
        assertThat(operations.find(new OperationId(releasedWaiting)).orElseThrow().releasedBeforeVpsOrgWasAsked())
                .isTrue();
        assertThat(operations.find(new OperationId(releasedAsked)).orElseThrow().releasedBeforeVpsOrgWasAsked())
                .isFalse();
        assertThat(operations.find(new OperationId(notReleased)).orElseThrow().releasedBeforeVpsOrgWasAsked())
                .isFalse();
    }

    /** A restore's row as the session-40 release wrote it (V62's columns). */
    private static UUID insert(TestDatabase database, String kind, String state, String note) throws SQLException {
        UUID id = UUID.randomUUID();
        database.execute("INSERT INTO recovery_operation (id, team, request_id, kind, server_id, resource_type, "
                + "resource_id, state, accepted_at, updated_at, deadline, note, next_check_at, checks, version) VALUES ('"
                + id + "', 'blue', 'r-" + id + "', '" + kind + "', 12345, "
                + (kind.equals("RESTORE_SNAPSHOT") ? "'SNAPSHOT', 801" : "'BACKUP', 501") + ", '" + state
                + "', timestamptz '2026-12-05 10:00:00Z', timestamptz '2026-12-05 10:01:00Z', "
                + "timestamptz '2026-12-05 10:45:00Z', " + (note == null ? "NULL" : "'" + note + "'")
                + ", timestamptz '2026-12-05 10:01:00Z', 0, 2)");
        return id;
    }
}
