package org.vpsrecovery.domain.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdTest {

    @Test
    void aNewIdIsATimeOrderedUuidInItsCanonicalForm() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestId.random().value();
            UUID parsed = UUID.fromString(id);
            assertThat(parsed.version()).as(id).isEqualTo(7);
            assertThat(parsed.variant()).as(id).isEqualTo(2);
            assertThat(parsed.toString()).isEqualTo(id);
            assertThat(seen.add(id)).as("drawn twice: " + id).isTrue();
        }
    }

    @Test
    void aNewIdCarriesTheMillisecondItWasDrawnIn() {
        long before = System.currentTimeMillis();
        UUID id = UUID.fromString(RequestId.random().value());
        long after = System.currentTimeMillis();

        assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
    }

    @Test
    void aNewIdIsNeverOneOfThePlatformsOwn() {
        assertThat(RequestId.random().isPlatformMade()).isFalse();
    }
}
