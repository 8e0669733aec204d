package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.simulator.SimulatorClock;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * What operators see on /prometheus while the audit history cannot take appends (ADR 0038, amended in session 43):
 * readiness stays UP, so the failed appends and the events kept waiting must show there, and go back once the history
 * takes them again. Real PostgreSQL, real HTTP. The database refuses every insert into the audit table under a request
 * (a trigger; reads still answer: a dry run reads the server's restores before it plans, so a renamed table would fail
 * the request itself). The platform's clock is the test's, so the age of what waits is what the test moved it by.
 */
class AuditAppendMetricsEndToEndTest {

    static final SimulatorClock CLOCK = SimulatorClock.fixedAt(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private static final String OLDEST_AGE = "vpsr_audit_kept_events_oldest_age_seconds";

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(),
            Map.of("vpsr.audit.backlog-flush-every", "200ms")).withPlatformClock(CLOCK);

    @Test
    void failedAppendsAndKeptEventsShowOnPrometheusUntilTheHistoryTakesThemAgain() throws Exception {
        double writtenBefore = value("vpsr_audit_append_seconds_count", "outcome=\"written\"");
        assertThat(value("vpsr_audit_kept_events", "store=\"file\"")).isZero();
        assertThat(value(OLDEST_AGE, "store=\"file\"")).isZero();

        try (Connection owner = SETUP.database().dataSource().getConnection(); Statement sql = owner.createStatement();
             RootLogLines captured = RootLogLines.capture()) {
            sql.execute("CREATE FUNCTION refuse_audit_appends() RETURNS trigger LANGUAGE plpgsql AS "
                    + "$$ BEGIN RAISE EXCEPTION 'the audit history takes no appends now (test)'; END $$");
            sql.execute("CREATE TRIGGER refuse_audit_appends BEFORE INSERT ON audit_event FOR EACH STATEMENT "
                    + "EXECUTE FUNCTION refuse_audit_appends()");
            try {
                // A dry run's PLANNED event is appended after the answer is made: the history's failure keeps it.
                Answer plan = SETUP.platform().send("DELETE", "/api/v1/snapshots/801/?dry_run=true", DEMO_TOKEN, null,
                        Map.of("X-Request-Id", "plan-while-the-history-is-gone"));
                assertThat(plan.status()).as(plan.raw().body()).isEqualTo(200);

                assertThat(value("vpsr_audit_append_seconds_count", "outcome=\"failed\"")).isGreaterThanOrEqualTo(1);
                assertThat(value("vpsr_audit_kept_events", "store=\"file\"")).isGreaterThanOrEqualTo(1);
                assertThat(value("vpsr_audit_kept_events", "store=\"memory\"")).isZero();
                // How long it has waited, on the platform's clock (ADR 0038, amended in session 44): a count that does
                // not move looks the same fresh or stuck, its age does not.
                assertThat(value(OLDEST_AGE, "store=\"file\"")).as("the clock has not moved").isZero();

                // Why they wait, in the flush's WARN (ADR 0141, amended in session 50): the history refuses, with the
                // database's words; said once a minute on the platform's clock, not at every flush (200 ms here).
                double failedSoFar = value("vpsr_audit_append_seconds_count", "outcome=\"failed\"");
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> value("vpsr_audit_append_seconds_count", "outcome=\"failed\"") >= failedSoFar + 5);
                List<String> said = waitingWarnings(captured);
                assertThat(said).as("five flushes failed on the same cause; the clock has not moved").hasSizeBetween(1, 2);
                assertThat(said.getLast()).contains("the audit history refuses appends", "DatabaseFailure",
                        "the audit history takes no appends now (test)", "event(s) wait to be written");
                CLOCK.advance(Duration.ofSeconds(90));
                await().atMost(Duration.ofSeconds(30)).until(() -> waitingWarnings(captured).size() > said.size());
                assertThat(waitingWarnings(captured).getLast()).contains("the audit history takes no appends now (test)");
                assertThat(value(OLDEST_AGE, "store=\"file\"")).isEqualTo(90.0);
                assertThat(value(OLDEST_AGE, "store=\"memory\"")).as("nothing waits in memory").isZero();
                assertThat(SETUP.platform().send("GET", "/health/readiness", null, null).status()).isEqualTo(200);
            } finally {
                sql.execute("DROP TRIGGER refuse_audit_appends ON audit_event");
                sql.execute("DROP FUNCTION refuse_audit_appends()");
            }
        }

        // The housekeeping flush writes it: the gauge goes back to 0, the written appends grow.
        await().atMost(Duration.ofSeconds(30)).until(() -> value("vpsr_audit_kept_events", "store=\"file\"") == 0);
        assertThat(value("vpsr_audit_append_seconds_count", "outcome=\"written\"")).isGreaterThan(writtenBefore);
        assertThat(value(OLDEST_AGE, "store=\"file\"")).as("nothing waits").isZero();
        assertThat(SETUP.platform().auditOf("plan-while-the-history-is-gone")).singleElement()
                .satisfies(e -> assertThat(e.event().outcome()).isEqualTo(new Outcome.Planned()));
    }

    /** The housekeeping flush's WARN lines about events waiting, as formatted. */
    private static List<String> waitingWarnings(RootLogLines captured) {
        return captured.events().stream()
                .filter(e -> e.getLevel() == Level.WARN && e.getLoggerName().endsWith("HousekeepingJobs"))
                .map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.contains("event(s) wait to be written"))
                .toList();
    }

    /**
     * While the database is out of reach the gauges keep their last reading: when it was read is a series of its own,
     * and so is the VPS.org circuit breaker's state, both there from the start (ADR 0024 and ADR 0010, session 53).
     */
    @Test
    void theGaugesLastReadAndTheCircuitsStateAreOnPrometheus() {
        String body = SETUP.platform().send("GET", "/prometheus", null, null, Map.of("Accept", "text/plain")).raw().body();
        assertThat(body)
                .containsPattern("(?m)^vpsr_gauge_last_read_timestamp_seconds\\{[^}]*what=\"webhook-backlog\"[^}]*\\} \\S+$")
                .containsPattern("(?m)^vpsr_gauge_last_read_timestamp_seconds\\{[^}]*what=\"open-operations\"[^}]*\\} \\S+$")
                .containsPattern("(?m)^vpsr_vpsorg_circuit_open(\\{[^}]*\\})? 0\\.0$");
    }

    /** The sample of {@code name} whose labels hold {@code label} on /prometheus, 0 when there is none yet. */
    private static double value(String name, String label) {
        String body = SETUP.platform().send("GET", "/prometheus", null, null, Map.of("Accept", "text/plain")).raw().body();
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(body);
        double found = 0;
        while (sample.find()) {
            if (sample.group(1).contains(label)) {
                found += Double.parseDouble(sample.group(2));
            }
        }
        return found;
    }
}
