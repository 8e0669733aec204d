package org.vpsrecovery.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

class AuditEventTest {

    private static AuditEvent event(OptionalInt status, Map<String, String> detail) {
        return new AuditEvent(Instant.EPOCH, new TeamId("blue"), new RequestId("r-1"), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(1)), Optional.empty(), new Outcome.Accepted(), status, detail);
    }

    @Test
    void detailIsCopiedSoTheEventCannotChangeAfterwards() {
        Map<String, String> detail = new HashMap<>(Map.of("name", "x"));
        AuditEvent event = event(OptionalInt.empty(), detail);
        detail.put("name", "changed");
        assertThat(event.detail()).containsExactly(Map.entry("name", "x"));
        assertThatThrownBy(() -> event.detail().put("k", "v")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void detailKeysValuesAndSizeAreBounded() {
        assertThatThrownBy(() -> event(OptionalInt.empty(), Map.of("Bad Key", "x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> event(OptionalInt.empty(), Map.of("k", "x".repeat(AuditEvent.MAX_DETAIL_VALUE_LENGTH + 1))))
                .isInstanceOf(IllegalArgumentException.class);
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= AuditEvent.MAX_DETAIL_ENTRIES; i++) {
            many.put("k" + i, "v");
        }
        assertThatThrownBy(() -> event(OptionalInt.empty(), many)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Session 37: a description holds up to 255 code points (Description), which as emoji are 510 Java chars; the detail
     * limit, counted in chars, refused it, and the request answered 500 with no audit event at all.
     */
    @Test
    void aDetailValueIsCountedInCodePointsSoAnyDescriptionFitsWholeAndACutNeverSplitsOne() {
        String grin = "\uD83D\uDE00";
        String description = new org.vpsrecovery.domain.common.Description(grin.repeat(251)).value();
        assertThat(event(OptionalInt.empty(), Map.of(AuditEvent.DESCRIPTION, description)).detail())
                .containsEntry(AuditEvent.DESCRIPTION, description);
        String longest = grin.repeat(org.vpsrecovery.domain.common.Description.MAX_LENGTH);
        assertThat(AuditEvent.detailValue(longest)).isEqualTo(longest);
        assertThat(event(OptionalInt.empty(), Map.of("k", grin.repeat(AuditEvent.MAX_DETAIL_VALUE_LENGTH))).detail())
                .containsKey("k");
        assertThatThrownBy(() -> event(OptionalInt.empty(), Map.of("k", grin.repeat(AuditEvent.MAX_DETAIL_VALUE_LENGTH + 1))))
                .isInstanceOf(IllegalArgumentException.class);

        String cut = AuditEvent.detailValue("a" + grin.repeat(AuditEvent.MAX_DETAIL_VALUE_LENGTH));
        assertThat(cut.codePointCount(0, cut.length())).isEqualTo(AuditEvent.MAX_DETAIL_VALUE_LENGTH);
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).as("no half of a code point left").isFalse();
        assertThat(event(OptionalInt.empty(), Map.of("k", cut)).detail()).containsEntry("k", cut);
    }

    @Test
    void providerStatusIsAnHttpStatus() {
        assertThat(event(OptionalInt.of(503), Map.of()).providerStatus()).hasValue(503);
        assertThatThrownBy(() -> event(OptionalInt.of(42), Map.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void outcomesCarryTheirKindAndAFailureNeedsABoundedCause() {
        assertThat(new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED).kind()).isEqualTo(Outcome.Kind.REJECTED);
        assertThat(new Outcome.Completed().kind()).isEqualTo(Outcome.Kind.COMPLETED);
        assertThatThrownBy(() -> new Outcome.Failed(ReasonCode.PROVIDER_TIMEOUT, ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Outcome.Failed(ReasonCode.PROVIDER_TIMEOUT, "x".repeat(501)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void queriesAreBoundedAndTimeRangesOrdered() {
        assertThatThrownBy(() -> AuditQuery.latest(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuditQuery.latest(AuditQuery.MAX_LIMIT + 1)).isInstanceOf(IllegalArgumentException.class);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertThatThrownBy(() -> AuditQuery.latest(10).since(t).until(t)).isInstanceOf(IllegalArgumentException.class);
    }
}
