package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.http.provider.wire.SnapshotWire;

/** VPS.org's times, each text parsed once and kept (ADR 0127): the same answers as parsing every time. */
class VpsOrgWireMapperTimesTest {

    private final VpsOrgWireMapper mapper = new VpsOrgWireMapper();

    private Instant createdAt(String text) {
        return mapper.snapshot(new SnapshotWire(7L, VpsOrgWireMapperLenientValuesTest.server(12345L, "web"),
                VpsOrgWireMapperLenientValuesTest.json("nightly"), VpsOrgWireMapperLenientValuesTest.json("completed"),
                VpsOrgWireMapperLenientValuesTest.json(10.0), VpsOrgWireMapperLenientValuesTest.json(text), null, null)).createdAt();
    }

    @Test
    void aTimeReadAgainIsTheSameInstant() {
        assertThat(createdAt("2026-12-04T10:15:30Z")).isEqualTo(Instant.parse("2026-12-04T10:15:30Z"));
        assertThat(createdAt("2026-12-04T10:15:30Z")).isEqualTo(Instant.parse("2026-12-04T10:15:30Z"));
        assertThat(createdAt("2026-12-04T11:15:30+01:00")).isEqualTo(Instant.parse("2026-12-04T10:15:30Z"));
        assertThat(createdAt(" 2026-12-04T10:15:30.5Z ")).isEqualTo(Instant.parse("2026-12-04T10:15:30.500Z"));
        assertThat(createdAt("2026-12-04T10:15:30")).as("no offset: UTC").isEqualTo(Instant.parse("2026-12-04T10:15:30Z"));
    }

    @Test
    void anUnreadableTimeIsRefusedEveryTimeItIsRead() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> createdAt("yesterday")).isInstanceOf(VpsOrgWireMapper.UnreadableAnswer.class)
                    .hasMessageContaining("snapshot created_at is not an ISO-8601 time");
        }
    }

    @Test
    void moreTimesThanAreKeptAreStillReadRight() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < VpsOrgWireMapper.PARSED_TIMES_KEPT * 2 + 7; i++) {
                Instant expected = start.plusSeconds(i);
                assertThat(createdAt(expected.toString())).isEqualTo(expected);
            }
        }
    }
}
