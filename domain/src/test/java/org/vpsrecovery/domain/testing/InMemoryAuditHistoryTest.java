package org.vpsrecovery.domain.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.contract.AuditHistoryContract;

class InMemoryAuditHistoryTest extends AuditHistoryContract {

    private InMemoryRecoveryOperations operations = new InMemoryRecoveryOperations();

    @Override
    protected AuditHistory emptyHistory() {
        operations = new InMemoryRecoveryOperations();
        return new InMemoryAuditHistory(operations);
    }

    @Override
    protected void operationStored(RecoveryOperation accepted, RecoveryOperation now) {
        operations.add(accepted);
        if (!now.equals(accepted)) {
            operations.update(accepted, now);
        }
    }

    @Override
    protected void operationMoved(RecoveryOperation before, RecoveryOperation now) {
        operations.update(before, now);
    }

    private static InMemoryAuditHistory historyOfFive() {
        InMemoryAuditHistory history = new InMemoryAuditHistory();
        for (int i = 1; i <= 5; i++) {
            history.append(event(BLUE, "r" + i, T0.plusSeconds(i), new Outcome.Accepted()));
        }
        return history;
    }

    @Test
    void namesTheFirstAlteredEvent() {
        InMemoryAuditHistory history = historyOfFive();
        AuditEvent original = history.all().get(2);
        history.tamperReplace(3, new AuditEvent(original.occurredAt(), original.team(), new RequestId("forged"),
                original.operation(), original.server(), original.resource(), original.outcome(),
                OptionalInt.of(201), original.detail()));

        assertThat(history.verifyChain()).isEqualTo(new ChainVerification.Broken(3,
                ChainVerification.Fault.ALTERED_EVENT, "event 3 no longer matches its stored hash"));
    }

    @Test
    void namesTheFirstMissingEvent() {
        InMemoryAuditHistory history = historyOfFive();
        history.tamperRemove(2);

        ChainVerification verification = history.verifyChain();

        assertThat(verification).isInstanceOf(ChainVerification.Broken.class);
        assertThat(((ChainVerification.Broken) verification).sequence()).isEqualTo(2);
        assertThat(((ChainVerification.Broken) verification).fault()).isEqualTo(ChainVerification.Fault.MISSING_EVENT);
    }

    @Test
    void aRemovedLastEventStillShowsAgainstTheChainHead() {
        InMemoryAuditHistory history = historyOfFive();
        history.tamperRemove(5);

        assertThat(history.verifyChain()).isEqualTo(new ChainVerification.Broken(5,
                ChainVerification.Fault.MISSING_EVENT, "the chain head is at 5 but the stored events end at 4"));
    }

    @Test
    void appendAfterTamperingDoesNotHealTheChain() {
        InMemoryAuditHistory history = historyOfFive();
        AuditEvent original = history.all().get(0);
        history.tamperReplace(1, new AuditEvent(original.occurredAt(), original.team(), original.requestId(),
                original.operation(), Optional.empty(), original.resource(), original.outcome(),
                original.providerStatus(), Map.of()));
        history.append(event(BLUE, "after", T0.plusSeconds(60), new Outcome.Completed()));

        assertThat(history.verifyChain()).extracting(v -> ((ChainVerification.Broken) v).sequence()).isEqualTo(1L);
    }
}
