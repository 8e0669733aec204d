package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.HexFormat;
import org.vpsrecovery.adapters.persistence.testing.TestFlyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;

/**
 * V56 (ADR 0142): an attempt ends once. On a history without an attempt of two ends V47's index becomes unique; on one
 * that holds such attempts (written before V56) the migration still succeeds, keeps them, and refuses a second end
 * of any attempt from the last of them on.
 */
class OneFinalOutcomePerAttemptMigrationTest {

    @RegisterExtension
    static final FreshDatabase CLEAN = FreshDatabase.empty();

    @RegisterExtension
    static final FreshDatabase WITH_TWO_ENDS = FreshDatabase.empty();

    @Test
    void aHistoryWithoutTwoEndsGetsV47sIndexUnique() throws SQLException {
        TestDatabase database = CLEAN.database();
        migrate(database, "55");
        insert(database, 1, "a-1", "ACCEPTED");
        insert(database, 2, "a-1", "COMPLETED");
        migrate(database, null);

        assertThat(database.strings("SELECT c.relname || ' ' || i.indisunique FROM pg_index i JOIN pg_class c "
                + "ON c.oid = i.indexrelid WHERE c.relname LIKE 'audit_event_%final%' ORDER BY 1"))
                .containsExactly("audit_event_final_outcome_attempt true");
        insert(database, 3, "a-2", "FAILED");
        assertThatThrownBy(() -> insert(database, 4, "a-1", "UNVERIFIABLE"))
                .isInstanceOf(SQLException.class).hasMessageContaining("audit_event_final_outcome_attempt");
        assertThatThrownBy(() -> insert(database, 4, "a-2", "COMPLETED")).isInstanceOf(SQLException.class);
        insert(database, 4, "a-2", "UNRESOLVED");
        assertThat(database.strings("SELECT count(*) FROM audit_event")).containsExactly("4");
    }

    @Test
    void aHistoryWithTwoEndsKeepsThemAndRefusesASecondEndAfterTheLast() throws SQLException {
        TestDatabase database = WITH_TWO_ENDS.database();
        migrate(database, "55");
        insert(database, 1, "old", "ACCEPTED");
        insert(database, 2, "old", "COMPLETED");
        insert(database, 3, "other", "COMPLETED");
        insert(database, 4, "old", "FAILED");
        migrate(database, null);

        assertThat(database.strings("SELECT c.relname || ' ' || i.indisunique FROM pg_index i JOIN pg_class c "
                + "ON c.oid = i.indexrelid WHERE c.relname LIKE 'audit_event_%final%' ORDER BY 1"))
                .containsExactly("audit_event_final_outcome_attempt false", "audit_event_one_final_per_attempt true");
        assertThat(database.strings("SELECT count(*) FROM audit_event")).containsExactly("4");
        insert(database, 5, "new", "COMPLETED");
        assertThatThrownBy(() -> insert(database, 6, "new", "FAILED"))
                .isInstanceOf(SQLException.class).hasMessageContaining("audit_event_one_final_per_attempt");
    }

    private static void migrate(TestDatabase database, String target) {
        var configuration = TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration");
        (target == null ? configuration : configuration.target(target)).load().migrate();
    }

    private static void insert(TestDatabase database, long sequence, String attempt, String outcome) throws SQLException {
        String hash = HexFormat.of().formatHex(new byte[32]);
        boolean withReason = !outcome.equals("ACCEPTED") && !outcome.equals("COMPLETED");
        database.execute("INSERT INTO audit_event (sequence, occurred_at, team, request_id, operation, outcome_kind, "
                + "outcome_reason, outcome_cause, detail, previous_hash, hash) VALUES (" + sequence
                + ", timestamptz '2026-03-01 00:00:00Z' + interval '" + sequence + " seconds', 'blue', 'r-" + sequence
                + "', 'CREATE_SNAPSHOT', '" + outcome + "', "
                + (withReason ? "'PROVIDER_TIMEOUT', 'VPS.org did not answer in time', " : "NULL, NULL, ")
                + "jsonb_build_object('attempt_id', '" + attempt + "'), decode('" + hash + "', 'hex'), decode('" + hash
                + "', 'hex'))");
    }
}
