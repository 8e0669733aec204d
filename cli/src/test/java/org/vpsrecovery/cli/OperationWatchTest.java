package org.vpsrecovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
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

    private static ObjectNode operationIn(String state) {
        return JSON.createObjectNode().put("id", "op-1").put("state", state);
    }
}
