package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.simulator.SimulatorOptions;

/** The cluster jobs' settings as the start reads them: a value db-scheduler would refuse stops the start naming our key. */
class ClusterJobsSettingsEndToEndTest {

    @Test
    void tooFewMissedHeartbeatsStopTheStartNamingTheKey() {
        PlatformOnSimulator setup = new PlatformOnSimulator(SimulatorOptions.defaults(),
                Map.of("vpsr.jobs.missed-heartbeats", "3"));

        // Application.main prints the root cause's message, and no stack trace for an IllegalArgumentException.
        assertThatThrownBy(() -> setup.beforeAll(null)).satisfies(failure -> assertThat(rootCause(failure))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vpsr.jobs.missed-heartbeats must be at least 4"));
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
