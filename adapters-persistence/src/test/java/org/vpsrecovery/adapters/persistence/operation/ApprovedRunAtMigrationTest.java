package org.vpsrecovery.adapters.persistence.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import org.vpsrecovery.adapters.persistence.testing.TestFlyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;

/**
 * V65 (ADR 0040, amended in session 43) in a rolling deploy: the release before it kept no run instant. An approved
 * restore it ran, whether written before V65 or by it beside the new release after, is read as it was then (held from
 * its ask) and moved on by the new release without one; the table takes a run instant only on an approved operation
 * that ran, between its ask and its last move.
 */
class ApprovedRunAtMigrationTest {

    private static final Instant ASKED = Instant.parse("2026-12-05T10:00:00Z");

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Test
    void anApprovedRestoreTheReleaseBeforeRanIsReadHeldFromItsAskAndTheTableTakesARunInstantOnlyWhereOneRan()
            throws SQLException {
        TestDatabase database = DATABASE.database();
        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").target("64").load()
                .migrate();
        UUID before = insert(database, "in_progress");

        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").load().migrate();
        UUID beside = insert(database, "in_progress");

        RecoveryOperations operations = contexts.on(database).getBean(RecoveryOperations.class);
        Instant now = Instant.parse("2026-12-05T11:05:00Z");
        for (UUID ranByTheReleaseBefore : new UUID[] {before, beside}) {
            RecoveryOperation read = operations.find(new OperationId(ranByTheReleaseBefore)).orElseThrow();
            assertThat(read.state()).isEqualTo(OperationState.IN_PROGRESS);
            assertThat(read.approvedRunAt()).isEmpty();
            assertThat(read.hold(now).orElseThrow().since()).isEqualTo(ASKED);
            RecoveryOperation released = read.releasedEarly(now, "released early by blue");
            assertThat(operations.update(read, released)).isTrue();
            assertThat(operations.find(new OperationId(ranByTheReleaseBefore)).orElseThrow()).isEqualTo(released);
        }

        UUID pending = insert(database, "approved");
        assertThatThrownBy(() -> database.execute("UPDATE recovery_operation SET approved_run_at = updated_at WHERE id = '"
                + pending + "'")).isInstanceOf(SQLException.class).hasMessageContaining("recovery_operation_approved_run_at");
        UUID ran = insert(database, "in_progress");
        assertThatThrownBy(() -> database.execute("UPDATE recovery_operation SET approved_run_at = accepted_at - "
                + "interval '1 second' WHERE id = '" + ran + "'")).isInstanceOf(SQLException.class)
                .hasMessageContaining("recovery_operation_approved_run_at");
        database.execute("UPDATE recovery_operation SET approved_run_at = timestamptz '2026-12-05 11:00:00Z' WHERE id = '"
                + ran + "'");
        assertThat(operations.find(new OperationId(ran)).orElseThrow().hold(now).orElseThrow().since())
                .isEqualTo(Instant.parse("2026-12-05T11:00:00Z"));
    }

    /**
     * A restore asked at 10:00 and approved at 11:00 (V21's and V25's columns only), {@code approved} or run by then
     * ({@code in_progress}), as the release before V65 wrote it.
     */
    private static UUID insert(TestDatabase database, String state) throws SQLException {
        UUID id = UUID.randomUUID();
        database.execute("INSERT INTO recovery_operation (id, team, request_id, kind, server_id, resource_type, "
                + "resource_id, state, accepted_at, updated_at, deadline, note, next_check_at, checks, version, "
                + "approval_requester_subject, approval_requester_authentication, approval_requested_at, "
                + "approval_expires_at, approval_skip_safety_snapshot, approval_verdict, approval_decider_subject, "
                + "approval_decider_authentication, approval_decided_at) VALUES ('" + id + "', 'blue', 'r-" + id
                + "', 'RESTORE_SNAPSHOT', 12345, 'SNAPSHOT', 801, '" + state + "', timestamptz '2026-12-05 10:00:00Z', "
                + "timestamptz '2026-12-05 11:00:01Z', timestamptz '2026-12-05 11:15:00Z', 'approved by bob', "
                + "timestamptz '2026-12-05 11:00:01Z', 0, 3, 'alice', 'jwt', timestamptz '2026-12-05 10:00:00Z', "
                + "timestamptz '2026-12-05 12:00:00Z', false, 'approve', 'bob', 'jwt', timestamptz '2026-12-05 11:00:00Z')");
        return id;
    }
}
