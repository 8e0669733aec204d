package org.vpsrecovery.application.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.common.AuditorName;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.common.KeysetPage;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.testing.InMemoryRecoveryOperations;
import org.vpsrecovery.domain.testing.RefusalReason;

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

    /**
     * A wait whose caller has gone ends at its next look, answered as last read (ADR 0024, amended in session 56): it
     * used to read on until its deadline, holding its slot for nobody.
     */
    @Test
    @Timeout(30)
    void aWaitWhoseCallerHasGoneEndsAtItsNextLook() {
        RecoveryOperation open = accepted(T0);
        AtomicInteger looks = new AtomicInteger();

        RecoveryOperation answered = read.getOperation(new AuditReader.Team(BLUE), open.id(), ReadOperationsService.MAX_WAIT,
                () -> looks.incrementAndGet() < 2);

        assertThat(answered).isEqualTo(open);
        assertThat(looks).as("looks at the caller: still there, then gone").hasValue(2);
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

    private RecoveryOperation acceptedFor(TeamId team, Instant at) {
        RecoveryOperation one = RecoveryOperation.accepted(OperationId.random(), team, new RequestId("r-" + at),
                Operation.CREATE_SNAPSHOT, WEB, Optional.empty(), at, Duration.ofHours(1));
        operations.add(one);
        return one;
    }

    private KeysetPage<RecoveryOperation, OperationId> page(AuditReader reader, Optional<OperationState> state,
                                                            Optional<OperationId> after, int limit) {
        return read.listOperations(reader, new ListOperationsQuery(Optional.empty(), state, after, limit));
    }

    /**
     * GET /api/v1/operations/'s pages (ADR 0024, amended in session 52): newest first, a next only when more follow,
     * an operation accepted since the first page never inside a later one, and a cursor found only among what the
     * reader may see.
     */
    @Test
    void aTeamsOperationsArePagedNewestFirstWithANextOnlyWhenMoreFollowAndOnlyItsOwnCursorIsFound() {
        List<RecoveryOperation> blue = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            blue.add(0, accepted(T0.plusSeconds(i)));
        }
        RecoveryOperation greens = acceptedFor(GREEN, T0.plusSeconds(10));
        RecoveryOperation failed = blue.get(1).refused(T0.plusSeconds(20), "refused");
        assertThat(operations.update(blue.get(1), failed)).isTrue();
        AuditReader reader = new AuditReader.Team(BLUE);

        var first = page(reader, Optional.empty(), Optional.empty(), 2);
        assertThat(first.items()).containsExactly(blue.get(0), failed);
        assertThat(first.next()).contains(failed.id());
        // One accepted since the first page comes before it, never inside a later page.
        RecoveryOperation since = accepted(T0.plusSeconds(30));
        var second = page(reader, Optional.empty(), first.next(), 2);
        assertThat(second.items()).containsExactly(blue.get(2), blue.get(3));
        var last = page(reader, Optional.empty(), second.next(), 2);
        assertThat(last.items()).containsExactly(blue.get(4));
        assertThat(last.next()).isEmpty();
        // A last page exactly full points to no empty one.
        assertThat(page(reader, Optional.empty(), Optional.empty(), 6).next()).isEmpty();
        assertThat(page(reader, Optional.empty(), Optional.empty(), 6).items()).first().isEqualTo(since);

        // One state: a page after one no longer in it (failed since) goes on from its place.
        Optional<OperationState> accepted = Optional.of(OperationState.ACCEPTED);
        assertThat(page(reader, accepted, Optional.of(failed.id()), 10).items())
                .containsExactly(blue.get(2), blue.get(3), blue.get(4));

        // Another team's operation, or an id no operation has, is no cursor of this team's: not found, as the operation.
        assertThat(RefusalReason.of(() -> page(reader, Optional.empty(), Optional.of(greens.id()), 2)))
                .isEqualTo(ReasonCode.OPERATION_NOT_FOUND);
        assertThat(RefusalReason.of(() -> page(reader, Optional.empty(), Optional.of(OperationId.random()), 2)))
                .isEqualTo(ReasonCode.OPERATION_NOT_FOUND);
        // An auditor reads every team's, and goes on after any team's.
        AuditReader auditor = new AuditReader.Auditor(new AuditorName("ivy"));
        assertThat(page(auditor, Optional.empty(), Optional.of(greens.id()), 3).items())
                .containsExactly(blue.get(0), failed, blue.get(2));
        assertThatThrownBy(() -> new ListOperationsQuery(Optional.empty(), Optional.empty(), Optional.empty(),
                RecoveryOperations.MAX_PAGE + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPageOfTheStoresWholePageReadsOneMoreAfterItToKnowWhetherMoreFollow() {
        for (int i = 0; i < RecoveryOperations.MAX_PAGE; i++) {
            accepted(T0.plusSeconds(i));
        }
        AuditReader reader = new AuditReader.Team(BLUE);
        assertThat(page(reader, Optional.empty(), Optional.empty(), RecoveryOperations.MAX_PAGE).next()).isEmpty();
        accepted(T0.minusSeconds(1));
        var full = page(reader, Optional.empty(), Optional.empty(), RecoveryOperations.MAX_PAGE);
        assertThat(full.items()).hasSize(RecoveryOperations.MAX_PAGE);
        assertThat(full.next()).contains(full.items().getLast().id());
        assertThat(page(reader, Optional.empty(), full.next(), RecoveryOperations.MAX_PAGE).items()).hasSize(1);
    }
}
