package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.PostgresAdapterFactory;
import org.vpsrecovery.bootstrap.PolicyRunJobs;
import org.vpsrecovery.bootstrap.PolicyRunRetriesByHand;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.simulator.SimulatorClock;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * A policy's nightly run on a server a restore holds, over the whole platform (the REST facade for the policy and the
 * restore, the policy-runs tick, PostgreSQL, the simulator), its {@code policy-run-retry} rows run by db-scheduler by
 * hand on the platform's clock, moved minute by minute. The restore's hold (a snapshot restore's window, set to 15 minutes) outlasts
 * the failure retries (1, 2 and 4 minutes): the run is put off until the hold ends and makes its point then, within the
 * night's run (ADR 0028, amended in session 50). Before, its three retries all met the hold, and the night had no
 * point. One clock, days ahead of the real one, is the platform's and the simulator's, so the platform's own
 * db-scheduler (on the real clock) never finds these rows due.
 */
class PolicyRunPutOffByARestoreEndToEndTest {

    private static final Instant NIGHT = LocalDate.now(ZoneOffset.UTC).plusDays(3).atTime(3, 0).toInstant(ZoneOffset.UTC);
    static final SimulatorClock CLOCK = SimulatorClock.fixedAt(NIGHT.minus(Duration.ofMinutes(10)));

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withClock(CLOCK).withDelays(Duration.ZERO, Duration.ofSeconds(10)),
            Map.of("vpsr.policies.tick-every", "1h", "vpsr.tracking.every", "1h", "vpsr.reconcile.every", "1h",
                    "vpsr.policies.retry-first", "1m", "vpsr.policies.retry-attempts", "3",
                    // Set, not the default (20 min since session 50): the hold's end below counts 15 minutes.
                    "vpsr.restore-window", "15m"))
            .withPlatformClock(CLOCK);

    private static final String NAME = "putoff-12345-" + NIGHT.toString().substring(0, 10).replace("-", "") + "-0300";

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> snapshotsOfWeb() {
        return (List<Map<String, Object>>) SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345",
                RunningPlatform.DEMO_TOKEN, null).get("results");
    }

    private static boolean made() {
        return snapshotsOfWeb().stream().anyMatch(s -> NAME.equals(s.get("name")));
    }

    private static long retryRows(DataSource dataSource) throws SQLException {
        try (Connection connection = PostgresAdapterFactory.pooled(dataSource).getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "SELECT count(*) FROM scheduled_tasks WHERE task_name = 'policy-run-retry'")) {
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aRunARestoreHoldsLongerThanItsRetriesIsPutOffUntilTheHoldEndsAndMakesTheNightsPoint() throws SQLException {
        Answer created = SETUP.platform().send("POST", "/api/v1/policies/", RunningPlatform.DEMO_TOKEN, """
                {"kind": "snapshot", "server_ids": [12345], "cron": "0 3 * * *", "time_zone": "UTC",
                 "name_template": "putoff-{server_id}-{date}-{time}", "keep_last": 10}""");
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String policy = (String) created.get("id");
        PolicyRunJobs jobs = SETUP.platform().context.getBean(PolicyRunJobs.class);
        DataSource dataSource = SETUP.platform().context.getBean(DataSource.class);

        // 03:06, past the run's moment (03:00 plus its jitter, at most 5 minutes): a restore holds the server until 03:21 (its window set to 15 minutes).
        CLOCK.advance(Duration.between(CLOCK.instant(), NIGHT.plus(Duration.ofMinutes(6))));
        Answer restore = SETUP.platform().send("POST", "/api/v1/snapshots/801/restore/?skip_safety_snapshot=true",
                RunningPlatform.DEMO_TOKEN, null);
        assertThat(restore.status()).as(restore.body().toString()).isIn(200, 202);
        Instant holdEnds = CLOCK.instant().plus(Duration.ofMinutes(15));

        // The tick of the window holding the run: put off, VPS.org not asked, audited FAILED SERVER_RESTORING.
        jobs.tick(NIGHT.minus(Duration.ofMinutes(5)), CLOCK.instant());
        String run = "policy-run:" + policy + ":12345:" + NIGHT.getEpochSecond();
        assertThat(SETUP.platform().auditOf(run)).singleElement().satisfies(e -> assertThat(e.event().outcome())
                .isInstanceOfSatisfying(Outcome.Failed.class, failed ->
                        assertThat(failed.reasonCode()).contains(ReasonCode.SERVER_RESTORING)));
        assertThat(made()).isFalse();

        SettableClock time = new SettableClock();
        time.set(CLOCK.instant());
        ManualScheduler scheduler = PolicyRunRetriesByHand.over(jobs, dataSource, time);
        try {
            // db-scheduler polling each minute while the hold lasts (03:07 to 03:20: the failure retries' times among
            // them), on the platform's clock too; then at the hold's end.
            while (CLOCK.instant().plus(Duration.ofMinutes(1)).isBefore(holdEnds)) {
                CLOCK.advance(Duration.ofMinutes(1));
                time.set(CLOCK.instant());
                scheduler.runAnyDueExecutions();
                assertThat(made()).as("no point while the restore holds the server, at %s", CLOCK.instant()).isFalse();
            }
            CLOCK.advance(Duration.between(CLOCK.instant(), holdEnds));
            time.set(CLOCK.instant());
            scheduler.runAnyDueExecutions();
        } finally {
            scheduler.stop();
        }

        assertThat(made()).as("the night's point, made once the hold ended").isTrue();
        assertThat(snapshotsOfWeb()).filteredOn(s -> NAME.equals(s.get("name"))).hasSize(1);
        assertThat(SETUP.platform().auditOf(run)).extracting(e -> e.event().outcome().kind().name())
                .containsSubsequence("FAILED", "ACCEPTED", "SUBMITTED");
        assertThat(retryRows(dataSource)).as("its retry done").isZero();
    }
}
