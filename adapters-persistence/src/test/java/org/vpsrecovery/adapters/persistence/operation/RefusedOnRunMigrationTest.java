package org.vpsrecovery.adapters.persistence.operation;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestFlyway;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;

/**
 * V77 (ADR 0040, amended in session 56): the release before kept the reason an approved run was refused when it came to
 * run only as the first words of its note. Its rows, written before V77, are read after it as they meant then (V77's
 * backfill); a row it writes or moves beside this release (the rolling upgrade) leaves the column null or stale, and is
 * read from its note the same; this release's reason is read over any words.
 */
class RefusedOnRunMigrationTest {

    private static final String REFUSED = "refused when it came to run: RECOVERY_POINT_HELD: the snapshot has a hold";
    private static final String NOT_A_REASON = "refused when it came to run: NOT_A_REASON: words";
    private static final String GAVE_UP = "approved, but it could not start by 2026-12-05T11:10:00Z (the server busy or "
            + "VPS.org unavailable); ask again";

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    @Test
    void rowsThePreviousReleaseRefusedKeepTheirReasonBeforeAndAfterV77AndThisReleasesReasonIsReadOverTheirWords()
            throws SQLException {
        TestDatabase database = DATABASE.database();
        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").target("76").load()
                .migrate();
        UUID refused = insert(database, "rejected", REFUSED);
        UUID notAReason = insert(database, "rejected", NOT_A_REASON);
        UUID givenUp = insert(database, "rejected", GAVE_UP);
        UUID wordsNotInTheirState = insert(database, "approved", REFUSED);

        TestFlyway.configure().dataSource(database.dataSource()).locations("classpath:db/migration").load().migrate();
        assertThat(database.strings("SELECT refused_on_run_reason || ' ' || (refused_on_run_version = version) FROM "
                + "recovery_operation WHERE id = '" + refused + "'")).containsExactly("RECOVERY_POINT_HELD true");
        assertThat(database.strings("SELECT count(*) FROM recovery_operation WHERE refused_on_run_reason IS NOT NULL "
                + "AND id IN ('" + givenUp + "', '" + wordsNotInTheirState + "')")).containsExactly("0");
        // A row the release before refuses beside this one, after V77: the column null.
        UUID refusedBeside = insert(database, "rejected", REFUSED);

        RecoveryOperations operations = contexts.on(database).getBean(RecoveryOperations.class);
        assertThat(reason(operations, refused)).contains(ReasonCode.RECOVERY_POINT_HELD);
        assertThat(reason(operations, refusedBeside)).as("null column: its note's start")
                .contains(ReasonCode.RECOVERY_POINT_HELD);
        assertThat(reason(operations, notAReason)).as("a word no reason's name, stored as it was").isEmpty();
        assertThat(reason(operations, givenUp)).isEmpty();
        assertThat(reason(operations, wordsNotInTheirState)).isEmpty();

        // The backfilled reason is read over its note's words: reworded, the reason stays.
        database.execute("UPDATE recovery_operation SET note = 'refusé : le snapshot est retenu' WHERE id = '" + refused
                + "'");
        assertThat(reason(operations, refused)).contains(ReasonCode.RECOVERY_POINT_HELD);
    }

    /**
     * A row this release stored last (approved, its refusal columns written empty at its version), then refused by an
     * instance of the release before (its words, the columns left as they were): read from its words, not as this
     * release's "no refusal". And this release's own refusal, reworded: its column.
     */
    @Test
    void aRowTheReleaseBeforeRefusedAfterThisReleaseMovedItIsReadFromItsWordsAndThisReleasesRefusalFromItsColumn()
            throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        RecoveryOperations operations = contexts.on(database).getBean(RecoveryOperations.class);

        UUID movedByTheReleaseBefore = insert(database, "approved", "approved by bob");
        RecoveryOperation approved = operations.find(new OperationId(movedByTheReleaseBefore)).orElseThrow();
        RecoveryOperation claimed = approved.claimedToRun(Instant.parse("2026-12-05T11:01:00Z"), Duration.ofMinutes(2));
        assertThat(operations.update(approved, claimed)).isTrue();
        assertThat(database.strings("SELECT coalesce(refused_on_run_reason, 'null') || ' ' || (refused_on_run_version = "
                + "version) FROM recovery_operation WHERE id = '" + movedByTheReleaseBefore + "'"))
                .containsExactly("null true");
        database.execute("UPDATE recovery_operation SET state = 'rejected', note = 'refused when it came to run: "
                + "SNAPSHOT_NOT_COMPLETED: not completed', version = version + 1 WHERE id = '" + movedByTheReleaseBefore
                + "'");
        assertThat(reason(operations, movedByTheReleaseBefore)).as("moved by the release before")
                .contains(ReasonCode.SNAPSHOT_NOT_COMPLETED);

        UUID refusedHere = insert(database, "approved", "approved by bob");
        RecoveryOperation toRefuse = operations.find(new OperationId(refusedHere)).orElseThrow();
        RecoveryOperation refused = toRefuse.rejectedOnRun(Instant.parse("2026-12-05T11:02:00Z"),
                ReasonCode.RECOVERY_POINT_HELD, "the snapshot has a hold");
        assertThat(operations.update(toRefuse, refused)).isTrue();
        // Its words are the release before's, so an instance of it still reads the same reason in the rolling window.
        assertThat(database.strings("SELECT note FROM recovery_operation WHERE id = '" + refusedHere + "'"))
                .containsExactly(REFUSED);
        database.execute("UPDATE recovery_operation SET note = 'refusé : le snapshot est retenu' WHERE id = '"
                + refusedHere + "'");
        assertThat(reason(operations, refusedHere)).contains(ReasonCode.RECOVERY_POINT_HELD);
        // The column lost (null) at the row's version: no reason of this release's, and the reworded note names none.
        database.execute("UPDATE recovery_operation SET refused_on_run_reason = NULL, refused_on_run_version = NULL "
                + "WHERE id = '" + refusedHere + "'");
        assertThat(reason(operations, refusedHere)).isEmpty();
    }

    private static Optional<ReasonCode> reason(RecoveryOperations operations, UUID id) {
        return operations.find(new OperationId(id)).orElseThrow().refusedOnRunFor();
    }

    /** A deletion asked at 10:00 and approved at 11:00, as the release before V77 wrote it, {@code state} with {@code note}. */
    private static UUID insert(TestDatabase database, String state, String note) throws SQLException {
        UUID id = UUID.randomUUID();
        database.execute("INSERT INTO recovery_operation (id, team, request_id, kind, server_id, resource_type, "
                + "resource_id, state, accepted_at, updated_at, deadline, note, next_check_at, checks, version, "
                + "approval_requester_subject, approval_requester_authentication, approval_requested_at, "
                + "approval_expires_at, approval_skip_safety_snapshot, approval_verdict, approval_decider_subject, "
                + "approval_decider_authentication, approval_decided_at) VALUES ('" + id + "', 'blue', 'r-" + id
                + "', 'DELETE_SNAPSHOT', 12345, 'SNAPSHOT', 801, '" + state + "', timestamptz '2026-12-05 10:00:00Z', "
                + "timestamptz '2026-12-05 11:00:01Z', timestamptz '2026-12-05 11:10:00Z', '" + note.replace("'", "''")
                + "', timestamptz '2026-12-05 11:00:01Z', 0, 3, 'alice', 'jwt', timestamptz '2026-12-05 10:00:00Z', "
                + "timestamptz '2026-12-05 12:00:00Z', false, 'approve', 'bob', 'jwt', timestamptz '2026-12-05 11:00:00Z')");
        return id;
    }
}
