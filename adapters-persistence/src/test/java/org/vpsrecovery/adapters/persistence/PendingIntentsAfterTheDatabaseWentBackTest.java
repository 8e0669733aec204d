package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
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
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The reconciler's mark (ADR 0076) when the database goes back under a running instance: a standby promoted without
 * the last transactions, or a restore to a point in time. An intent whose outcome was in the lost tail is pending
 * again, as a freshly started instance sees it, whether or not new appends passed the old mark before the next run.
 */
class PendingIntentsAfterTheDatabaseWentBackTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    @RegisterExtension
    final AdapterContext.Contexts contexts = new AdapterContext.Contexts();

    static final Instant T0 = Instant.parse("2026-02-01T12:00:00Z");
    static final Instant LATER = T0.plusSeconds(600);

    static AuditEvent event(String requestId, Instant at, Outcome outcome) {
        return new AuditEvent(at, new TeamId("blue"), new RequestId(requestId), Operation.DELETE_SNAPSHOT,
                Optional.of(new ServerId(12345)), Optional.empty(), outcome, OptionalInt.empty(), Map.of());
    }

    /** Its intent (1) kept, its outcome (2) in the tail the database lost; the mark moved past both first. */
    AuditHistory wentBackUnder(TestDatabase database) throws Exception {
        AuditHistory history = contexts.on(database).getBean(AuditHistory.class);
        history.append(event("reached-vpsorg", T0, new Outcome.Accepted()));
        history.append(event("reached-vpsorg", T0.plusSeconds(1), new Outcome.Completed()));
        assertThat(history.pendingIntents(LATER, 10)).isEmpty(); // the mark is now after both
        OwnerTampering.cutBackTo(database, 1);
        return history;
    }

    @Test
    void anIntentWhoseOutcomeWasLostIsPendingAgainOnceNewAppendsPassedTheOldMark() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        AuditHistory history = wentBackUnder(database);
        // The database as it now is takes appends before this instance's next run: the head is past the old mark again.
        history.append(event("after", T0.plusSeconds(2), new Outcome.Accepted()));
        history.append(event("after", T0.plusSeconds(3), new Outcome.Completed()));

        assertThat(history.pendingIntents(LATER, 10)).extracting(e -> e.event().requestId().value())
                .containsExactly("reached-vpsorg");
    }

    @Test
    void anIntentWhoseOutcomeWasLostIsPendingAgainWhileTheHeadIsBelowTheOldMark() throws Exception {
        TestDatabase database = DATABASE.anotherMigrated();
        AuditHistory history = wentBackUnder(database);

        assertThat(history.pendingIntents(LATER, 10)).extracting(e -> e.event().requestId().value())
                .containsExactly("reached-vpsorg");
    }
}
