package org.vpsrecovery.domain.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdTest {

    @Test
    void aNewIdIsARandomUuidInItsCanonicalForm() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestId.random().value();
            UUID parsed = UUID.fromString(id);
            assertThat(parsed.version()).as(id).isEqualTo(4);
            assertThat(parsed.variant()).as(id).isEqualTo(2);
            assertThat(parsed.toString()).isEqualTo(id);
            assertThat(seen.add(id)).as("drawn twice: " + id).isTrue();
        }
    }

    @Test
    void aNewIdIsNeverOneOfThePlatformsOwn() {
        assertThat(RequestId.random().isPlatformMade()).isFalse();
    }
}
