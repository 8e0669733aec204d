package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonObjectTextTest {

    @Test
    void writesSortedEscapedJson() {
        assertThat(JsonObjectText.of(Map.of())).isEqualTo("{}");
        assertThat(JsonObjectText.of(Map.of("b", "quote \" back \\ nl \n", "a", "bell \u0007 \u00e9")))
                .isEqualTo("{\"a\":\"bell \\u0007 \u00e9\",\"b\":\"quote \\\" back \\\\ nl \\n\"}");
    }
}
