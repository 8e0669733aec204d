package org.vpsrecovery.domain.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedUuidTest {

    @Test
    void anIdIsAVersion7UuidCarryingItsMillisecond() {
        long millis = 1_796_428_800_123L; // 2026-12-05T00:00:00.123Z
        UUID id = TimeOrderedUuid.at(millis);

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
        assertThat(id.toString()).startsWith("01a2");
    }

    @Test
    void idsOfLaterMillisecondsSortAfterEarlierOnesAsTextAndAsUuids() {
        UUID earlier = TimeOrderedUuid.at(1_796_428_800_123L);
        UUID later = TimeOrderedUuid.at(1_796_428_800_124L);

        assertThat(later.toString()).isGreaterThan(earlier.toString());
        // As PostgreSQL's uuid type compares them: unsigned, byte by byte.
        assertThat(Long.compareUnsigned(later.getMostSignificantBits(), earlier.getMostSignificantBits())).isPositive();
    }

    @Test
    void idsOfOneMillisecondDiffer() {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(TimeOrderedUuid.at(1_796_428_800_123L))).isTrue();
        }
    }

    @Test
    void theClocksIdCarriesTheCurrentMillisecond() {
        long before = System.currentTimeMillis();
        UUID id = TimeOrderedUuid.next();
        long after = System.currentTimeMillis();

        assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
    }

    @Test
    void aMillisecondOutsideTheFortyEightBitsIsRefused() {
        assertThatThrownBy(() -> TimeOrderedUuid.at(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TimeOrderedUuid.at(1L << 48)).isInstanceOf(IllegalArgumentException.class);
        assertThat(TimeOrderedUuid.at((1L << 48) - 1).getMostSignificantBits() >>> 16).isEqualTo((1L << 48) - 1);
    }
}
