package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.application.policy.RunPoliciesService.Run;
import org.vpsrecovery.application.policy.RunPoliciesService.RunResult;
import org.vpsrecovery.bootstrap.PolicyRunJobs;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.SimulatorClock;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * The night clocks go back (ADR 0028, amended in session 48), over the whole platform with the real run calendar: a
 * policy at 02:30 in Europe/Berlin, whose 02:30 comes twice on 2026-10-25 (00:30Z in summer time, 01:30Z in winter
 * time), ticked every 30 s as the {@code policy-runs} job does, through the night. Each window searches the calendar
 * from its own start, and the windows starting between the two 02:30s used to see the second one as a new cron time
 * (another request id, so the runs already tried did not stop it): two creates of one name. Now: one run, one point,
 * and the plan asked between the two shows the next day.
 */
class PolicyFallBackNightEndToEndTest {

    private static final SimulatorClock CLOCK = SimulatorClock.fixedAt(Instant.parse("2026-10-24T22:00:00Z"));

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withClock(CLOCK).withDelays(Duration.ZERO, Duration.ofSeconds(10)),
            Map.of("vpsr.policies.tick-every", "1h", "vpsr.tracking.every", "1h", "vpsr.reconcile.every", "1h"))
            .withPlatformClock(CLOCK);

    @Test
    void aPolicyAtTheRepeatedLocalTimeTickedEveryThirtySecondsThroughTheNightRunsOnceAndMakesOnePoint() {
        Answer created = SETUP.platform().send("POST", "/api/v1/policies/", RunningPlatform.DEMO_TOKEN, """
                {"kind": "snapshot", "server_ids": [12345], "cron": "30 2 * * *", "time_zone": "Europe/Berlin",
                 "name_template": "nightly-{server_id}-{date}-{time}", "keep_last": 10}""");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String plan = "/api/v1/policies/" + created.get("id") + "/plan/?runs=2";
        PolicyRunJobs jobs = SETUP.platform().context.getBean(PolicyRunJobs.class);

        // 23:30Z to 02:30Z: both 02:30s and every jitter (at most five minutes) after them, in 360 windows of 30 s.
        CLOCK.advance(Duration.ofMinutes(90));
        List<Run> runs = new ArrayList<>();
        Answer planBetween = null;
        Instant from = CLOCK.instant();
        while (from.isBefore(Instant.parse("2026-10-25T02:30:00Z"))) {
            CLOCK.advance(Duration.ofSeconds(30));
            runs.addAll(jobs.tick(from, CLOCK.instant()));
            from = CLOCK.instant();
            if (from.equals(Instant.parse("2026-10-25T00:35:00Z"))) {
                planBetween = SETUP.platform().send("GET", plan, RunningPlatform.DEMO_TOKEN, null);
            }
        }

        assertThat(runs).singleElement().satisfies(run -> {
            assertThat(run.scheduledFor()).isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
            assertThat(run.result()).isEqualTo(RunResult.MADE);
        });
        assertThat(SETUP.simulator().requests()).filteredOn(r -> r.method().equals("POST")).hasSize(1);
        Answer listed = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", RunningPlatform.DEMO_TOKEN, null);
        assertThat((List<?>) listed.get("results")).extracting(s -> (Object) ((Map<?, ?>) s).get("name"))
                .containsOnlyOnce("nightly-12345-20261025-0230");
        // The plan, asked between the two 02:30s, agrees with the tick: the next run is the next day's.
        assertThat(planBetween.status()).as(planBetween.body().toString()).isEqualTo(200);
        assertThat((List<?>) planBetween.get("next_runs")).extracting(run -> (Object) ((Map<?, ?>) run).get("at"))
                .containsExactly("2026-10-26T01:30:00Z", "2026-10-27T01:30:00Z");
    }
}
