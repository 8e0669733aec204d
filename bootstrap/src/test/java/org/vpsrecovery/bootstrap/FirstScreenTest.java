package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's sample of what the service prints on embedded defaults says what the service prints. */
class FirstScreenTest {

    @Test
    void theReadmeShowsTheAuditorTokenLineAsPrinted() throws IOException {
        // The README once said the auditor places legal holds while the service said "nothing else".
        assertThat(Files.readString(Path.of("..", "README.md")).lines())
                .contains(Application.auditorTokenLine());
    }
}
