package org.vpsrecovery.domain.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.server.ServerId;

class RunJitterTest {

    private static final PolicyId POLICY = new PolicyId(UUID.fromString("0b7a6a52-3f38-4c5e-9d3e-0c4f5d2a1b11"));

    @Test
    void theSameForTheSamePairAndBoundedByATenthOfTheIntervalAndTheCap() {
        for (long id = 1; id <= 2_000; id++) {
            ServerId server = new ServerId(id);
            assertThat(RunJitter.of(POLICY, server, Duration.ofMinutes(1)))
                    .isEqualTo(RunJitter.of(POLICY, server, Duration.ofMinutes(1)))
                    .isLessThan(Duration.ofSeconds(6)).isGreaterThanOrEqualTo(Duration.ZERO);
            assertThat(RunJitter.of(POLICY, server, Duration.ofDays(1))).isLessThan(RunJitter.CAP);
        }
        assertThat(RunJitter.of(POLICY, new ServerId(1), Duration.ZERO)).isZero();
    }

    @Test
    void neighbouringServersAreSpreadOverTheWholeBound() {
        Set<Long> seconds = new HashSet<>();
        for (long id = 12_000; id < 13_000; id++) {
            seconds.add(RunJitter.of(POLICY, new ServerId(id), Duration.ofDays(1)).toSeconds());
        }
        // 1,000 servers over 300 possible seconds: nearly every second is used, none carries them all.
        assertThat(seconds).hasSizeGreaterThan(250);
    }
}
