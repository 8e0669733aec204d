package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.management.health.indicator.HealthResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.ClusterJobs;
import org.vpsrecovery.bootstrap.InstanceReadiness;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;
import reactor.core.publisher.Mono;

/**
 * The job scheduler starts once the server has answered its first request, not as it begins to listen, so that its
 * start and first runs do not share the cores with that request; with no request it starts after
 * {@code vpsr.jobs.start-wait}. Readiness says "not started" until then (ADR 0066, 0098).
 */
class JobsStartAfterTheFirstAnswerEndToEndTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final Duration BOUND = Duration.ofSeconds(60);

    VpsOrgSimulator simulator;
    RunningPlatform platform;

    @BeforeEach
    void startSimulator() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
    }

    @AfterEach
    void stop() {
        if (platform != null) {
            platform.close();
        }
        simulator.close();
    }

    @Test
    void theSchedulerStartsAfterTheFirstAnswerAndReadinessWaitsForIt() {
        platform = RunningPlatform.start(DATABASE.database(), simulator, Map.of("vpsr.jobs.start-wait", "1h"));

        assertThat(schedulerState()).as("listening, no request answered yet").isEqualTo("not started");
        Answer first = platform.send("GET", "/health/readiness", RunningPlatform.AUDITOR_TOKEN, null);
        assertThat(first.status()).as(first.raw().body()).isEqualTo(503);
        assertThat(first.raw().body()).contains("\"scheduler\":\"not started\"");

        assertThat(awaitSchedulerStarted()).as("the first answer starts the scheduler").isEqualTo("started");
        Answer ready = platform.send("GET", "/health/readiness", null, null);
        assertThat(ready.status()).as(ready.raw().body()).isEqualTo(200);
    }

    @Test
    void withNoRequestTheSchedulerStartsAfterTheWait() {
        platform = RunningPlatform.start(DATABASE.database(), simulator, Map.of("vpsr.jobs.start-wait", "200ms"));

        assertThat(awaitSchedulerStarted()).as("no request was sent").isEqualTo("started");
    }

    /**
     * A request answered while the context stops, after it destroyed the scheduler's bean, is heard by the first-answer
     * listener: were that the scheduler's own bean, Micronaut would build another (a scheduler, its database look-ups on
     * the event loop) to hear it, as a reviewer saw in a stop's log in session 45. The listener is a bean of its own.
     */
    @Test
    void anAnswerHeardAfterTheSchedulerWasDestroyedBuildsNoOther() {
        platform = RunningPlatform.start(DATABASE.database(), simulator, Map.of("vpsr.jobs.start-wait", "200ms"));
        assertThat(awaitSchedulerStarted()).isEqualTo("started");

        platform.context.destroyBean(ClusterJobs.class);
        platform.context.getBean(io.micronaut.context.event.ApplicationEventPublisher.class)
                .publishEvent(new io.micronaut.http.context.event.HttpRequestTerminatedEvent(
                        io.micronaut.http.HttpRequest.GET("/health/liveness")));

        assertThat(platform.context.getActiveBeanRegistrations(
                io.micronaut.inject.qualifiers.Qualifiers.byType(ClusterJobs.class))).isEmpty();
    }

    /** The scheduler's state as readiness reports it, read from the bean: an HTTP request would be a first answer. */
    private String schedulerState() {
        HealthResult result = Mono.from(platform.context.getBean(InstanceReadiness.class).getResult()).block();
        return String.valueOf(((Map<?, ?>) result.getDetails()).get("scheduler"));
    }

    private String awaitSchedulerStarted() {
        Instant until = Instant.now().plus(BOUND);
        String state = schedulerState();
        while (!state.equals("started") && Instant.now().isBefore(until)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            state = schedulerState();
        }
        return state;
    }
}
