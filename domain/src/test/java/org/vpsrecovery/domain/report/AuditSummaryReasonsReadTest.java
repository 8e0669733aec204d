package org.vpsrecovery.domain.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;

/**
 * The day counts by reason keep only {@link AuditSummary#REASONS_READ} (V51, ADR 0116): exactly the outcomes whose
 * reasons a summary reads (its top rejections, the provider's answers and failures). An outcome counted there anew
 * must be added to the set and to V51's trigger, or whole days would count it as zero.
 */
class AuditSummaryReasonsReadTest {

    @Test
    void theOutcomesWhoseReasonsASummaryReadsAreExactlyTheOnesTheDayReasonCountsKeep() {
        Set<Outcome.Kind> read = EnumSet.noneOf(Outcome.Kind.class);
        for (Outcome.Kind kind : Outcome.Kind.values()) {
            boolean readForSomeReason = Stream.concat(Stream.of(Optional.<ReasonCode>empty()),
                            Stream.of(ReasonCode.values()).map(Optional::of))
                    .anyMatch(reason -> kind == Outcome.Kind.REJECTED || AuditSummary.isProviderAnswer(kind, reason));
            if (readForSomeReason) {
                read.add(kind);
            }
        }
        assertThat(AuditSummary.REASONS_READ).isEqualTo(read)
                .doesNotContain(Outcome.Kind.ACCEPTED, Outcome.Kind.COMPLETED);
    }
}
