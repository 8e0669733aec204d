package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.PolicyRunJobs;
import org.vpsrecovery.bootstrap.PolicyRunRetriesByHand;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.SimulatorClock;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * A policy's nightly run put off by a restore's hold, whose hold its team releases early, over the whole platform (the
 * REST facade for the policy, the restore and the release, the policy-runs tick, PostgreSQL, the simulator), its {@code
 * policy-run-retry} row run by db-scheduler by hand on the platform's clock. The release brings the waiting row forward
 * to its own time, so the night's point is made at once, not at the hold's original end (ADR 0028, amended in session
 * 51). Before, the row stayed due at the hold's end, 14 minutes later. One clock, days ahead of the real one, is the
 * platform's and the simulator's, so the platform's own db-scheduler (on the real clock) never finds the row due.
 */
class PolicyRunBroughtForwardByAReleaseEndToEndTest {

    private static final Instant NIGHT = LocalDate.now(ZoneOffset.UTC).plusDays(4).atTime(3, 0).toInstant(ZoneOffset.UTC);
    static final SimulatorClock CLOCK = SimulatorClock.fixedAt(NIGHT.minus(Duration.ofMinutes(10)));

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withClock(CLOCK).withDelays(Duration.ZERO, Duration.ofSeconds(10)),
            Map.of("vpsr.policies.tick-every", "1h", "vpsr.tracking.every", "1h", "vpsr.reconcile.every", "1h",
                    "vpsr.policies.retry-first", "1m", "vpsr.policies.retry-attempts", "3",
                    "vpsr.restore-window", "15m"))
            .withPlatformClock(CLOCK);

    private static final String NAME = "early-12345-" + NIGHT.toString().substring(0, 10).replace("-", "") + "-0300";

    @SuppressWarnings("unchecked")
    private static boolean made() {
        return ((List<Map<String, Object>>) SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345",
                RunningPlatform.DEMO_TOKEN, null).get("results")).stream().anyMatch(s -> NAME.equals(s.get("name")));
    }

    @Test
    void aRunPutOffByAHoldReleasedEarlyIsMadeAtTheReleaseNotAtTheHoldsOriginalEnd() {
        Answer created = SETUP.platform().send("POST", "/api/v1/policies/", RunningPlatform.DEMO_TOKEN, """
                {"kind": "snapshot", "server_ids": [12345], "cron": "0 3 * * *", "time_zone": "UTC",
                 "name_template": "early-{server_id}-{date}-{time}", "keep_last": 10}""");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        PolicyRunJobs jobs = SETUP.platform().context.getBean(PolicyRunJobs.class);
        DataSource dataSource = SETUP.platform().context.getBean(DataSource.class);

        // 03:06, past the run's moment: a restore holds the server until 03:21; the tick puts the run off until then.
        CLOCK.advance(Duration.between(CLOCK.instant(), NIGHT.plus(Duration.ofMinutes(6))));
        Answer restore = SETUP.platform().send("POST", "/api/v1/snapshots/801/restore/?skip_safety_snapshot=true",
                RunningPlatform.DEMO_TOKEN, null);
        assertThat(restore.status()).as(restore.body().toString()).isIn(200, 202);
        jobs.tick(NIGHT.minus(Duration.ofMinutes(5)), CLOCK.instant());
        assertThat(made()).isFalse();

        // 03:07: VPS.org's restore is long over (10 s); the team releases the hold.
        CLOCK.advance(Duration.ofMinutes(1));
        Answer released = SETUP.platform().send("DELETE", "/api/v1/servers/12345/restore-hold/",
                RunningPlatform.DEMO_TOKEN, null);
        assertThat(released.status()).as(released.body().toString()).isEqualTo(200);

        SettableClock time = new SettableClock();
        time.set(CLOCK.instant());
        ManualScheduler scheduler = PolicyRunRetriesByHand.over(jobs, dataSource, time);
        try {
            scheduler.runAnyDueExecutions();
        } finally {
            scheduler.stop();
        }

        assertThat(made()).as("the night's point, made once the hold was released at %s", CLOCK.instant()).isTrue();
    }
}
