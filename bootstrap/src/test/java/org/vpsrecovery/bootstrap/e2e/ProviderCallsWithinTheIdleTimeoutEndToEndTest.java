package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * micronaut.server.idle-timeout closes a connection silent both ways even while its answer is awaited. A delete whose
 * VPS.org call hangs, retried attempt after attempt, used to outlast it: the caller got an empty reply while the
 * service answered 504 to nobody (session 45, review). Its provider calls now end within the request's deadline, two
 * thirds of the idle timeout, and the caller hears the 504 (ADR 0010, amended in session 45). Nothing here is timed:
 * an answer that came after the idle timeout would be no answer at all.
 */
class ProviderCallsWithinTheIdleTimeoutEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(), Map.of(
            // 4 s for a request's provider calls: a first request's own work takes a second on a loaded machine.
            "micronaut.server.idle-timeout", "6s",
            "vpsorg.read-timeout", "1s",
            "vpsorg.connect-timeout", "500ms",
            // Ten hung attempts, each a read timeout, would take over 10 s: well past the idle timeout.
            "vpsorg.retry.max-attempts", "10"));

    @Test
    void aDeleteThatVpsOrgNeverAnswersIsAnswered504BeforeTheConnectionIsClosedIdle() {
        long snapshot = SETUP.platform().completedSnapshot(RunningPlatform.DEMO_TOKEN, 12345, "hung-delete");
        SETUP.simulator().faults().add(Fault.hang().lasting(Duration.ofSeconds(30))
                .on("DELETE", "/api/v1/snapshots/" + snapshot + "/"));
        try {
            Answer deleted = SETUP.platform().send("DELETE", "/api/v1/snapshots/" + snapshot + "/",
                    RunningPlatform.DEMO_TOKEN, null, Map.of("X-Request-Id", "hung-delete"));

            assertThat(deleted.status()).as(deleted.toString()).isEqualTo(504);
            assertThat(deleted.contentType()).startsWith("application/problem+json");
            assertThat(deleted.get("reason_code")).isEqualTo("OUTCOME_UNKNOWN");
        } finally {
            SETUP.simulator().faults().clear();
        }
    }
}
