package org.vpsrecovery.application.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.testing.InMemoryRecoveryOperations;

class ReadOperationsServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final TeamId BLUE = new TeamId("blue");
    private static final TeamId GREEN = new TeamId("green");
    private static final ServerId WEB = new ServerId(12345);

    private final InMemoryRecoveryOperations operations = new InMemoryRecoveryOperations();
    private final ReadOperationsService read = new ReadOperationsService(operations, Clock.fixed(T0, ZoneOffset.UTC));

    private RecoveryOperation accepted(Instant at) {
        RecoveryOperation one = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("r-" + at),
                Operation.CREATE_SNAPSHOT, WEB, Optional.empty(), at, Duration.ofHours(1));
        operations.add(one);
        return one;
    }

    /** The console's list: in flight however many newer ones ended, and whether the bound left some out. */
    @Test
    void theOperationsInFlightAreTheNewestNotFinalAndSayWhetherMoreAre() {
        RecoveryOperation oldest = accepted(T0.minus(Duration.ofHours(3)));
        RecoveryOperation older = accepted(T0.minus(Duration.ofHours(2)));
        RecoveryOperation old = accepted(T0.minus(Duration.ofHours(1)));
        for (int i = 0; i < 250; i++) {
            RecoveryOperation ended = accepted(T0.plusSeconds(i));
            operations.update(ended, ended.refused(T0.plusSeconds(i), "refused"));
        }
        AuditReader blue = new AuditReader.Team(BLUE);

        OperationsInFlight all = read.listInFlight(blue, 200);
        assertThat(all.operations()).containsExactly(old, older, oldest);
        assertThat(all.more()).isFalse();
        assertThat(read.listInFlight(blue, 3).more()).isFalse();
        OperationsInFlight cut = read.listInFlight(blue, 2);
        assertThat(cut.operations()).containsExactly(old, older);
        assertThat(cut.more()).isTrue();
        assertThat(read.listInFlight(new AuditReader.Team(GREEN), 200).operations()).isEmpty();
        assertThatThrownBy(() -> read.listInFlight(blue, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> read.listInFlight(blue, 500)).isInstanceOf(IllegalArgumentException.class);
    }
}
