package org.vpsrecovery.domain.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OperationIdTest {

    @Test
    void aNewIdIsTimeOrderedSoTheHistorysAttemptIndexesGrowAtTheirEnd() {
        long before = System.currentTimeMillis();
        OperationId id = OperationId.random();
        long after = System.currentTimeMillis();

        assertThat(id.value().version()).isEqualTo(7);
        assertThat(id.value().getMostSignificantBits() >>> 16).isBetween(before, after);
        assertThat(OperationId.random()).isNotEqualTo(id);
    }

    @Test
    void aCallersIdIsParsedAsAnyUuidAndNothingElse() {
        assertThat(OperationId.parse("3f1c9a52-8e2b-4d0a-9b7e-2c4f6a8d0e13").toString())
                .isEqualTo("3f1c9a52-8e2b-4d0a-9b7e-2c4f6a8d0e13");
        assertThat(OperationId.parse("01a24380-207b-7abc-8def-0123456789ab").value().version()).isEqualTo(7);
        assertThatThrownBy(() -> OperationId.parse("not-a-uuid")).isInstanceOf(IllegalArgumentException.class);
    }
}
