package org.vpsrecovery.domain.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.HashMap;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.LaterReleaseEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;

class AuditedPointsTallyTest {

    private static final ResourceRef POINT = new ResourceRef(ResourceRef.Type.SNAPSHOT, 81);

    @Test
    void anAttemptIdHeldAsAUuidStillNamesOneAttemptAndOnlyItsExactSpelling() {
        String id = "3f2b8c1e-0a4d-4e5f-9b6a-7c8d9e0f1a2b";
        AuditedPointsTally tally = new AuditedPointsTally()
                .add(event(id, new Outcome.Accepted(), Optional.empty(), Map.of(AuditEvent.NAME, "nightly")))
                .add(event(id, new Outcome.Submitted(), Optional.of(POINT), Map.of()));
        assertThat(tally.attempts()).isEqualTo(1);
        assertThat(tally.points().made()).containsExactly(POINT);
        assertThat(tally.points().unsettledCreates()).isEmpty();

        // The same UUID in capitals, or in a short form UUID.fromString also reads, was always another attempt.
        tally.add(event(id.toUpperCase(), new Outcome.Accepted(), Optional.empty(), Map.of(AuditEvent.NAME, "upper")))
                .add(event("1-1-1-1-1", new Outcome.Accepted(), Optional.empty(), Map.of(AuditEvent.NAME, "short")))
                .add(event("00000001-0001-0001-0001-000000000001", new Outcome.Accepted(), Optional.empty(),
                        Map.of(AuditEvent.NAME, "canonical")));
        assertThat(tally.attempts()).isEqualTo(4);
        assertThat(tally.points().unsettledCreates()).isEqualTo(Set.of("upper", "short", "canonical"));
    }

    /**
     * A later release's row whose only unknown name is its reason is counted as an event of its operation, outcome and
     * point: a delete that failed with a reason this release does not know leaves its point undeleted, as one failed for
     * a known reason does. A row under an operation, outcome or resource type this release does not know is not counted
     * (ADR 0005, amended in session 51).
     */
    @Test
    void aLaterReleasesRowWithOnlyItsReasonUnknownCountsAsItsOperationAndOutcomeSayAndNoOtherRowDoes() {
        String id = "3f2b8c1e-0a4d-4e5f-9b6a-7c8d9e0f1a2c";
        AuditEvent intent = new AuditEvent(DriftScanTest.NOW, DriftScanTest.TEAM, new RequestId("req-delete"),
                Operation.DELETE_SNAPSHOT, Optional.of(DriftScanTest.SERVER), Optional.of(POINT), new Outcome.Accepted(),
                OptionalInt.empty(), Map.of(AuditEvent.ATTEMPT_ID, id));
        AuditEvent knownFailure = new AuditEvent(DriftScanTest.NOW, DriftScanTest.TEAM, new RequestId("req-delete"),
                Operation.DELETE_SNAPSHOT, Optional.of(DriftScanTest.SERVER), Optional.of(POINT),
                new Outcome.Failed(org.vpsrecovery.domain.common.ReasonCode.NOT_DONE_AT_PROVIDER, "not done"),
                OptionalInt.empty(), Map.of(AuditEvent.ATTEMPT_ID, id));
        AuditedPointsTally judgedAsKnown = new AuditedPointsTally().add(intent).add(knownFailure);

        AuditedPointsTally tally = new AuditedPointsTally().add(intent);
        assertThat(tally.points().deleted()).as("an open delete counts its point deleted").containsExactly(POINT);
        assertThat(tally.addIfOnlyItsReasonUnknown(laterRow("DELETE_SNAPSHOT", "FAILED", Optional.of("A_LATER_REASON"),
                "SNAPSHOT", id, "the reason A_LATER_REASON"))).isTrue();

        assertThat(tally.points()).isEqualTo(judgedAsKnown.points());
        assertThat(tally.points().deleted()).isEmpty();
        assertThat(tally.attempts()).isOne();

        for (LaterReleaseEvent unknown : java.util.List.of(
                laterRow("BULK_PRUNE", "COMPLETED", Optional.empty(), "SNAPSHOT", "other-1", "the operation BULK_PRUNE"),
                laterRow("DELETE_SNAPSHOT", "A_LATER_OUTCOME", Optional.of("A_LATER_REASON"), "SNAPSHOT", id,
                        "the outcome A_LATER_OUTCOME"),
                laterRow("DELETE_SNAPSHOT", "COMPLETED", Optional.empty(), "VOLUME", "other-2",
                        "the resource type VOLUME"))) {
            AuditedPointsTally before = tally.copy();
            assertThat(unknown.onlyItsReasonUnknown()).as(unknown.unknownName()).isFalse();
            assertThat(tally.addIfOnlyItsReasonUnknown(unknown)).as(unknown.unknownName()).isFalse();
            assertThat(tally.points()).isEqualTo(before.points());
            assertThat(tally.attempts()).isOne();
        }
    }

    private static LaterReleaseEvent laterRow(String operation, String outcome, Optional<String> reason, String type,
                                              String attemptId, String unknownName) {
        return new LaterReleaseEvent(7, DriftScanTest.NOW, DriftScanTest.TEAM, new RequestId("req-delete"),
                Optional.of(DriftScanTest.SERVER), operation, outcome, reason, unknownName, Optional.of(type),
                Optional.of(POINT.id()), Optional.of("a later release's words"), OptionalInt.empty(),
                Map.of(AuditEvent.ATTEMPT_ID, attemptId));
    }

    private static AuditEvent event(String attemptId, Outcome outcome, Optional<ResourceRef> resource, Map<String, String> detail) {
        Map<String, String> full = new HashMap<>(detail);
        full.put(AuditEvent.ATTEMPT_ID, attemptId);
        return new AuditEvent(DriftScanTest.NOW, DriftScanTest.TEAM, new RequestId("req-" + attemptId),
                Operation.CREATE_SNAPSHOT, Optional.of(DriftScanTest.SERVER), resource, outcome, OptionalInt.empty(), full);
    }
}
