package org.vpsrecovery.domain.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.HashMap;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.AuditEvent;
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

    private static AuditEvent event(String attemptId, Outcome outcome, Optional<ResourceRef> resource, Map<String, String> detail) {
        Map<String, String> full = new HashMap<>(detail);
        full.put(AuditEvent.ATTEMPT_ID, attemptId);
        return new AuditEvent(DriftScanTest.NOW, DriftScanTest.TEAM, new RequestId("req-" + attemptId),
                Operation.CREATE_SNAPSHOT, Optional.of(DriftScanTest.SERVER), resource, outcome, OptionalInt.empty(), full);
    }
}
