package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainPosition;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.ChainPositions;

/** What every {@link ChainPositions} must answer about the chain an {@link AuditHistory} wrote. */
public abstract class ChainPositionsContract {

    /** A history to write to and the positions that read the same chain. */
    public record Subject(AuditHistory history, ChainPositions positions) {
    }

    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

    protected abstract Subject emptySubject();

    private static AuditEvent event(int i) {
        return new AuditEvent(T0.plusSeconds(i), new TeamId("blue"), new RequestId("req-" + i),
                Operation.DELETE_BACKUP, Optional.empty(), Optional.empty(), new Outcome.Completed(),
                OptionalInt.of(204), Map.of());
    }

    @Test
    void anEmptyChainStandsAtGenesis() {
        Subject subject = emptySubject();

        assertThat(subject.positions().head()).isEqualTo(ChainPosition.EMPTY);
        assertThat(subject.positions().hashesAt(List.of(1L))).isEmpty();
    }

    @Test
    void theHeadAndTheStoredHashesAreTheChains() {
        Subject subject = emptySubject();
        for (int i = 1; i <= 3; i++) {
            subject.history().append(event(i));
        }
        ChainHash first = AuditChain.link(ChainHash.GENESIS, 1, event(1));
        ChainHash head = ((ChainVerification.Intact) subject.history().verifyChain()).head();

        assertThat(subject.positions().head()).isEqualTo(new ChainPosition(3, head));
        assertThat(subject.positions().hashesAt(List.of(1L, 3L, 7L))).isEqualTo(Map.of(1L, first, 3L, head));
    }

    @Test
    void looksUpABoundedNumberAtATime() {
        ChainPositions positions = emptySubject().positions();
        List<Long> tooMany = LongStream.rangeClosed(1, ChainPositions.MAX_LOOKUP + 1).boxed().toList();

        assertThatThrownBy(() -> positions.hashesAt(tooMany)).isInstanceOf(IllegalArgumentException.class);
    }
}
