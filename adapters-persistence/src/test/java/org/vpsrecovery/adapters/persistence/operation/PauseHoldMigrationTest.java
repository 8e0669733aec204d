package org.vpsrecovery.adapters.persistence.operation;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.vpsrecovery.adapters.persistence.testing.TestFlyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.PauseHold;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;

/**
 * V75 (ADR 0043, amended in session 55): the release before kept the pause's hold on an approved run only as the start
 * of its note. Its rows, written before V75, are read after it as they meant then (V75's backfill); a row it writes or
 * moves beside this release (the rolling upgrade) leaves the column null or stale, and is read from its note the same.
 */
class PauseHoldMigrationTest {

    private static final String HELD = "held back: the platform''s database was restored from a backup and the service "
            + "is paused until the operator has put it right; approved before the restore point, it runs once the service "
            + "is restarted without the pause, if that is before its run-by time 2026-12-05T11:10:00Z; past it, it is given up";
    private static final String NO_LONGER = "no longer held back: the service runs normally again since the database "
            + "restore; approved by bob, it runs once the server and VPS.org let it";
    private static final String GAVE_UP = "approved before the restore point of the platform''s database, it was held "
            + "back by the pause after that restore until its run-by time 2026-12-05T11:10:00Z passed";

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Test
    void rowsThePreviousReleaseHeldBackAreReadHeldBeforeAndAfterV75AndThisReleasesHoldIsReadOverTheirWords()
            throws SQLException {
        TestDatabase database = DATABASE.database();
        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").target("74").load()
                .migrate();
        UUID held = insert(database, "approved", HELD);
        UUID noLonger = insert(database, "approved", NO_LONGER);
        UUID givenUp = insert(database, "rejected", GAVE_UP);
        UUID plain = insert(database, "approved", "approved by bob");
        UUID wordsNotInTheirState = insert(database, "rejected", HELD);

        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").load().migrate();
        assertThat(database.strings("SELECT coalesce(pause_hold, 'null') || ' ' || (pause_hold_version = version) FROM "
                + "recovery_operation WHERE id IN ('" + held + "', '" + noLonger + "', '" + givenUp + "') ORDER BY "
                + "pause_hold")).containsExactly("given_up_while_held true", "held_back true", "no_longer_held true");
        assertThat(database.strings("SELECT count(*) FROM recovery_operation WHERE pause_hold IS NOT NULL AND id IN ('"
                + plain + "', '" + wordsNotInTheirState + "')")).containsExactly("0");
        // A row the release before writes beside this one, after V75: the column null.
        UUID heldBeside = insert(database, "approved", HELD);

        RecoveryOperations operations = contexts.on(database).getBean(RecoveryOperations.class);
        assertThat(hold(operations, held)).isEqualTo(PauseHold.HELD_BACK);
        assertThat(hold(operations, heldBeside)).as("null column: its note's start").isEqualTo(PauseHold.HELD_BACK);
        assertThat(hold(operations, noLonger)).isEqualTo(PauseHold.NO_LONGER_HELD);
        assertThat(hold(operations, givenUp)).isEqualTo(PauseHold.GIVEN_UP_WHILE_HELD);
        assertThat(hold(operations, plain)).isEqualTo(PauseHold.NONE);
        assertThat(hold(operations, wordsNotInTheirState)).isEqualTo(PauseHold.NONE);

        // This release's hold is read over its note's words: edited, the hold stays.
        database.execute("UPDATE recovery_operation SET note = 'retenu par la pause' WHERE id = '" + held + "'");
        assertThat(hold(operations, held)).isEqualTo(PauseHold.HELD_BACK);
        // This release supersedes it, then the release before moves the row (its words, the columns left): its words.
        RecoveryOperation read = operations.find(new OperationId(held)).orElseThrow();
        RecoveryOperation superseded = read.noLongerHeldBack(Instant.parse("2026-12-05T11:02:00Z"), Duration.ofSeconds(5),
                Duration.ofMinutes(1));
        assertThat(operations.update(read, superseded)).isTrue();
        assertThat(operations.find(new OperationId(held))).contains(superseded);
        database.execute("UPDATE recovery_operation SET note = '" + HELD + "', version = version + 1 WHERE id = '" + held
                + "'");
        assertThat(hold(operations, held)).as("moved by the release before").isEqualTo(PauseHold.HELD_BACK);
    }

    private static PauseHold hold(RecoveryOperations operations, UUID id) {
        return operations.find(new OperationId(id)).orElseThrow().pauseHold();
    }

    /** A deletion asked at 10:00 and approved at 11:00, as the release before V75 wrote it, {@code state} with {@code note}. */
    private static UUID insert(TestDatabase database, String state, String note) throws SQLException {
        UUID id = UUID.randomUUID();
        database.execute("INSERT INTO recovery_operation (id, team, request_id, kind, server_id, resource_type, "
                + "resource_id, state, accepted_at, updated_at, deadline, note, next_check_at, checks, version, "
                + "approval_requester_subject, approval_requester_authentication, approval_requested_at, "
                + "approval_expires_at, approval_skip_safety_snapshot, approval_verdict, approval_decider_subject, "
                + "approval_decider_authentication, approval_decided_at) VALUES ('" + id + "', 'blue', 'r-" + id
                + "', 'DELETE_SNAPSHOT', 12345, 'SNAPSHOT', 801, '" + state + "', timestamptz '2026-12-05 10:00:00Z', "
                + "timestamptz '2026-12-05 11:00:01Z', timestamptz '2026-12-05 11:10:00Z', '" + note + "', "
                + "timestamptz '2026-12-05 11:00:01Z', 0, 3, 'alice', 'jwt', timestamptz '2026-12-05 10:00:00Z', "
                + "timestamptz '2026-12-05 12:00:00Z', false, 'approve', 'bob', 'jwt', timestamptz '2026-12-05 11:00:00Z')");
        return id;
    }
}
