package org.vpsrecovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which ends of an operation a script's `--wait` exits non-zero for (docs/cli.md, exit code 6). */
class OperationWatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"failed", "vanished", "timed_out", "denied", "expired", "rejected"})
    void anOperationThatEndedWithoutItsEffectIsAFailure(String state) {
        assertThat(OperationWatch.failed(operationIn(state))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"completed", "released", "in_progress", "pending_approval", "approved"})
    void aCompletedOrStillOpenOperationIsNot(String state) {
        assertThat(OperationWatch.failed(operationIn(state))).isFalse();
    }

    /**
     * The pause before a read is tried again is the Retry-After, kept within 1-60 s: 0 would read in a loop, a day's
     * Retry-After would leave the wait silent for a day (ADR 0039, amended in session 51).
     */
    @ParameterizedTest
    @CsvSource({"0, 1", "1, 1", "30, 30", "60, 60", "61, 60", "86400, 60"})
    void aReadIsTriedAgainAfterItsRetryAfterKeptWithinOneToSixtySeconds(String retryAfter, long seconds) {
        var busy = new FacadeClient.FacadeProblem(429, Optional.of("TEAM_RATE_LIMITED"), "busy", Optional.empty(),
                Optional.of(retryAfter), Optional.empty(), Optional.empty());

        assertThat(OperationWatch.readAgainAfter(busy)).contains(Duration.ofSeconds(seconds));
    }

    private static ObjectNode operationIn(String state) {
        return JSON.createObjectNode().put("id", "op-1").put("state", state);
    }
}
