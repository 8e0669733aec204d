package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.OwnerTampering;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.server.ServerId;

/**
 * Reconciliation's walk to the first intent without an outcome (ADR 0076, amended in session 46), on a real database:
 * a window of sequences per statement, the mark stored (V66) after each, so a walk longer than one read's windows (or
 * than the pool's network bound) carries on where it stopped, on another instance or after a restart, instead of
 * starting from the first event on every start and, past a few million events, never finishing.
 */
class IntentWalkMarkTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    private static final Instant T0 = Instant.parse("2026-05-01T08:00:00Z");
    private static final Instant LATER = T0.plusSeconds(3600);

    private static AuditEvent event(String attempt, int second, Outcome outcome) {
        return new AuditEvent(T0.plusSeconds(second), new TeamId("blue"), new RequestId("r-" + attempt),
                Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(700)), Optional.empty(), outcome, OptionalInt.empty(),
                Map.of(AuditEvent.ATTEMPT_ID, attempt));
    }

    private static long storedMark(TestDatabase database) throws SQLException {
        return Long.parseLong(database.strings("SELECT settled_below FROM intent_walk_mark").getFirst());
    }

    @Test
    void theWalkGoesAWindowAtATimeAndEveryNewReaderCarriesOnFromTheStoredMark() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        ApplicationContext context = contexts.on(database);
        AuditHistory history = context.getBean(AuditHistory.class);
        for (int i = 0; i < 40; i++) { // 80 events, every intent settled
            history.append(event("settled-" + i, i, new Outcome.Accepted()));
            history.append(event("settled-" + i, i, new Outcome.Completed()));
        }
        RecordedAuditEvent lostEnd = history.append(event("lost-end", 50, new Outcome.Accepted())); // 81
        AuditEventRowRepository rows = context.getBean(AuditEventRowRepository.class);
        ChainHeadRowRepository head = context.getBean(ChainHeadRowRepository.class);

        // Windows of 10 sequences, 3 a read: the first read walks 0-29, finds every intent there settled, answers none.
        assertThat(new AuditEventRows(rows, head, 10, 3).pendingIntents(LATER, 0, 100)).isEmpty();
        assertThat(storedMark(database)).isEqualTo(30);
        // Another reader (a restarted instance, another instance) carries on from the stored mark, not from the start.
        assertThat(new AuditEventRows(rows, head, 10, 3).pendingIntents(LATER, 0, 100)).isEmpty();
        assertThat(storedMark(database)).isEqualTo(60);
        assertThat(new AuditEventRows(rows, head, 10, 3).pendingIntents(LATER, 0, 100))
                .extracting(RecordedAuditEvent::sequence).containsExactly(lostEnd.sequence());
        assertThat(storedMark(database)).isEqualTo(lostEnd.sequence());

        // The intent holds the mark until its end is written; then the walk passes it.
        history.append(event("lost-end", 51, new Outcome.Completed())); // 82
        assertThat(history.pendingIntents(LATER, 0, 100)).isEmpty();
        assertThat(storedMark(database)).isEqualTo(83);
    }

    @Test
    void aMarkPastTheHeadIsWalkedAgainFromTheFirstEvent() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        AuditHistory history = contexts.on(database).getBean(AuditHistory.class);
        RecordedAuditEvent open = history.append(event("open", 0, new Outcome.Accepted()));
        // Written over another history than this one (no walk of this one can have written it).
        database.execute("UPDATE intent_walk_mark SET settled_below = 1000");

        assertThat(history.pendingIntents(LATER, 0, 100)).containsExactly(open);
        assertThat(storedMark(database)).isEqualTo(open.sequence());
    }

    /**
     * A database restored to an earlier point (a backup, a point in time, a promoted standby) brings the stored mark back
     * with the history, both rows of one database: the intent whose end the restore lost is walked again, though the
     * new primary's appends pass the mark the lost history had reached. The restore here is a copy of the database made
     * at that point (CREATE DATABASE ... TEMPLATE, with no session on it), which is what a restore gives.
     */
    @Test
    void aDatabaseRestoredToAnEarlierPointTakesTheMarkBackWithTheIntentsWhoseEndItLost() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        RecordedAuditEvent reached;
        try (ApplicationContext beforeThePoint = AdapterContext.on(database)) {
            AuditHistory history = beforeThePoint.getBean(AuditHistory.class);
            reached = history.append(event("reached-vpsorg", 0, new Outcome.Accepted())); // 1
            assertThat(history.pendingIntents(LATER, 0, 100)).containsExactly(reached);
        }
        TestDatabase restored = new TestDatabase(database.server(), database.name() + "_point");
        database.server().execute("CREATE DATABASE " + restored.name() + " TEMPLATE " + database.name());
        try {
            try (ApplicationContext afterThePoint = AdapterContext.on(database)) { // the primary goes on, then is lost
                AuditHistory history = afterThePoint.getBean(AuditHistory.class);
                history.append(event("reached-vpsorg", 1, new Outcome.Completed())); // 2
                for (int i = 0; i < 5; i++) { // 3-12
                    history.append(event("settled-" + i, 2 + i, new Outcome.Accepted()));
                    history.append(event("settled-" + i, 2 + i, new Outcome.Completed()));
                }
                assertThat(history.pendingIntents(LATER, 0, 100)).isEmpty();
                assertThat(storedMark(database)).isEqualTo(13);
            }
            try (ApplicationContext onTheRestored = AdapterContext.on(restored)) {
                AuditHistory history = onTheRestored.getBean(AuditHistory.class);
                assertThat(storedMark(restored)).as("the mark as it was at the point").isEqualTo(reached.sequence());
                for (int i = 0; i < 10; i++) { // 2-21: past the mark the lost history had reached
                    history.append(event("new-" + i, 10 + i, new Outcome.Accepted()));
                    history.append(event("new-" + i, 10 + i, new Outcome.Completed()));
                }
                assertThat(history.pendingIntents(LATER, 0, 100)).extracting(RecordedAuditEvent::sequence)
                        .containsExactly(reached.sequence());
            }
        } finally {
            restored.drop();
        }
    }

    /**
     * A history that went back without its mark (its events cut back, as a table restored on its own would be) and then
     * took appends past the mark: the head the mark was found at holds another hash now, so the walk starts again from
     * the first event and the intent whose end was lost is pending.
     */
    @Test
    void aHistoryThatWentBackWithoutTheMarkIsWalkedAgainThoughNewAppendsPassedIt() throws SQLException {
        TestDatabase database = DATABASE.anotherMigrated();
        AuditHistory history = contexts.on(database).getBean(AuditHistory.class);
        RecordedAuditEvent reached = history.append(event("reached-vpsorg", 0, new Outcome.Accepted())); // 1
        history.append(event("reached-vpsorg", 1, new Outcome.Completed())); // 2
        assertThat(history.pendingIntents(LATER, 0, 100)).isEmpty();
        assertThat(storedMark(database)).isEqualTo(3);

        OwnerTampering.cutBackTo(database, reached.sequence());
        history.append(event("after", 2, new Outcome.Accepted())); // 2
        history.append(event("after", 3, new Outcome.Completed())); // 3

        assertThat(history.pendingIntents(LATER, 0, 100)).extracting(RecordedAuditEvent::sequence)
                .containsExactly(reached.sequence());
        assertThat(storedMark(database)).isEqualTo(reached.sequence());
    }
}
