package org.vpsrecovery.adapters.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.operation.OperationsInFlight;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/** The console's operations in flight: how far each is through its window. */
class ConsoleOperationsPageTest {

    private static final Instant ASKED = Instant.parse("2026-12-06T10:00:00Z");
    private static final Duration WINDOW = Duration.ofMinutes(15);

    /**
     * An approved restore asked at 10:00 and run at 11:00 is five minutes into its 15-minute window at 11:05, not an
     * hour and five minutes into one of an hour and a quarter (its wait for approval counted as window; ADR 0040,
     * amended in session 43).
     */
    @Test
    void anApprovedRestoresWindowIsCountedFromItsRunNotFromItsAsk() {
        RecoveryOperation pending = RecoveryOperation.pendingApproval(OperationId.random(), new TeamId("blue"),
                new RequestId("r-1"), Operation.RESTORE_SNAPSHOT, new ServerId(12345), ResourceRef.of(new SnapshotId(801)),
                Optional.empty(), Approval.requested(Actor.of("alice", Actor.Authentication.JWT, "k"), ASKED,
                        ASKED.plus(Duration.ofHours(2)), false));
        Instant ran = ASKED.plus(Duration.ofHours(1));
        RecoveryOperation approved = pending.approve(Actor.of("bob", Actor.Authentication.JWT, "k"), ran,
                Optional.empty(), Duration.ofMinutes(10));
        RecoveryOperation run = approved.run(RecoveryOperation.accepted(pending.id(), pending.team(), pending.requestId(),
                pending.kind(), pending.server(), pending.resource(), ran, WINDOW));

        ConsoleViews.OperationRow row = ConsolePages.operations(new OperationsInFlight(List.of(run), false),
                ran.plus(Duration.ofMinutes(5))).operations().getFirst();

        assertThat(row.elapsedPercent()).isEqualTo(33);
        assertThat(row.elapsedLabel()).startsWith("5 min of a 15 min tracking window");
    }

    /**
     * Review of session 51: an operation waiting for approval showed a tracking window's progress bar under "Accepted
     * operations that VPS.org has not finished"; it says until when it waits and who asked, and no window.
     */
    @Test
    void anOperationWaitingForApprovalSaysUntilWhenAndWhoAskedInsteadOfAWindow() {
        RecoveryOperation pending = RecoveryOperation.pendingApproval(OperationId.random(), new TeamId("blue"),
                new RequestId("r-1"), Operation.DELETE_SNAPSHOT, new ServerId(12345), ResourceRef.of(new SnapshotId(801)),
                Optional.empty(), Approval.requested(Actor.of("alice", Actor.Authentication.JWT, "k"), ASKED,
                        ASKED.plus(Duration.ofHours(1)), false));

        List<ConsoleViews.OperationRow> rows = ConsolePages.operations(new OperationsInFlight(List.of(pending), false),
                ASKED.plus(Duration.ofMinutes(5))).operations();

        assertThat(rows).singleElement().satisfies(row -> assertThat(row.awaitingApproval())
                .isEqualTo("waiting for approval until " + ConsolePages.time(ASKED.plus(Duration.ofHours(1)))
                        + ", asked by alice"));
    }

    /** Review of session 52: a row named neither the request that asked for it nor where the API shows it. */
    @Test
    void anOperationInFlightNamesItsRequestIdAndItsApiPath() {
        RecoveryOperation accepted = RecoveryOperation.accepted(OperationId.random(), new TeamId("blue"),
                new RequestId("r-7"), Operation.CREATE_SNAPSHOT, new ServerId(12345), Optional.empty(),
                ASKED, WINDOW);

        ConsoleViews.OperationRow row = ConsolePages.operations(new OperationsInFlight(List.of(accepted), false),
                ASKED.plus(Duration.ofMinutes(1))).operations().getFirst();

        assertThat(row.requestId()).isEqualTo("r-7");
        assertThat(row.apiPath()).isEqualTo("/api/v1/operations/" + accepted.id() + "/");
    }

    /** Session 53 (ADR 0041, 0043): the page named nowhere the team's changes waiting for a second person. */
    @Test
    void thePageNamesWhereTheTeamsPendingChangesAreListedWithOrWithoutOperationsInFlight() {
        assertThat(ConsolePages.operations(new OperationsInFlight(List.of(), false), ASKED).pendingChangesPath())
                .isEqualTo("/api/v1/changes/?state=pending_approval");
    }
}
