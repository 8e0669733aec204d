package org.vpsrecovery.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.ReasonCode;

/**
 * The one rule of which reason an event's outcome has ({@link Outcome.Kind#requireReason}), read back from stored parts
 * by an event's reading and a summary's groups alike (ADR 0005, amended in session 42). Every kind against no reason
 * and every reason code: a finite space, all of it.
 */
class OutcomeReasonTest {

    private static final String CAUSE = "provider answered 503";

    private static List<Optional<ReasonCode>> everyStoredReason() {
        List<Optional<ReasonCode>> reasons = new ArrayList<>();
        reasons.add(Optional.empty());
        for (ReasonCode code : ReasonCode.values()) {
            reasons.add(Optional.of(code));
        }
        return reasons;
    }

    private static Optional<String> causeOf(Outcome.Kind kind) {
        return kind.hasCause() ? Optional.of(CAUSE) : Optional.empty();
    }

    @Test
    void theKindsThatCarryAReasonAreARejectionAndTheExplainedOnes() {
        assertThat(List.of(Outcome.Kind.values())).filteredOn(Outcome.Kind::hasReason).containsExactlyInAnyOrder(
                Outcome.Kind.REJECTED, Outcome.Kind.FAILED, Outcome.Kind.UNRESOLVED, Outcome.Kind.UNVERIFIABLE);
        assertThat(List.of(Outcome.Kind.values())).filteredOn(Outcome.Kind::hasCause).containsExactlyInAnyOrder(
                Outcome.Kind.FAILED, Outcome.Kind.UNRESOLVED, Outcome.Kind.UNVERIFIABLE);
    }

    @Test
    void aReasonIsTakenExactlyWhereItsKindCarriesOneAndAnEventReadBackAgrees() {
        for (Outcome.Kind kind : Outcome.Kind.values()) {
            for (Optional<ReasonCode> reason : everyStoredReason()) {
                String stored = kind + " with " + reason;
                if (reason.isPresent() == kind.hasReason()) {
                    assertThatCode(() -> kind.requireReason(reason)).as(stored).doesNotThrowAnyException();
                    Outcome read = Outcome.of(kind, reason, causeOf(kind));
                    assertThat(read.kind()).as(stored).isEqualTo(kind);
                    assertThat(read.reasonCode()).as(stored).isEqualTo(reason);
                } else {
                    Throwable refused = catchThrowable(() -> kind.requireReason(reason));
                    assertThat(refused).as(stored).isInstanceOf(IllegalArgumentException.class);
                    // Reading the event back refuses it by the same rule, in the same words.
                    assertThatThrownBy(() -> Outcome.of(kind, reason, causeOf(kind))).as(stored)
                            .isInstanceOf(IllegalArgumentException.class).hasMessage(refused.getMessage());
                }
            }
        }
    }

    @Test
    void theTwoWaysAStoredReasonIsWrongAreNamed() {
        assertThatThrownBy(() -> Outcome.Kind.ACCEPTED.requireReason(Optional.of(ReasonCode.PROVIDER_UNAVAILABLE)))
                .hasMessage("an outcome ACCEPTED has no reason code");
        assertThatThrownBy(() -> Outcome.Kind.FAILED.requireReason(Optional.empty()))
                .hasMessage("no reason code, which an outcome FAILED has");
        assertThatThrownBy(() -> Outcome.Kind.REJECTED.requireReason(Optional.empty()))
                .hasMessage("no reason code, which an outcome REJECTED has");
    }
}
