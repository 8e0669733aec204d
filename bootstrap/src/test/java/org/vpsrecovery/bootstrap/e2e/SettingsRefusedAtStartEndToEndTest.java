package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vpsrecovery.bootstrap.Application;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * Settings that were taken as given, or checked only when the bean that reads them was first built (at a request, or
 * at each job run): each now stops the start, and what Application prints names the key, without a trace (ADR 0021,
 * amended in session 42). A value not of its setting's type ({@code 20} for a duration) is told in one line naming the
 * key and the value, not Micronaut's path through the beans (session 56).
 */
class SettingsRefusedAtStartEndToEndTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            vpsr.idempotency.lease            | 24h  | vpsr.idempotency.lease must be positive and shorter than 24 h
            vpsr.idempotency.lease            | 60s  | vpsr.idempotency.lease (60000 ms) must be longer than two thirds of micronaut.server.idle-timeout (60000 ms of 90000 ms)
            micronaut.server.idle-timeout     | -1s  | micronaut.server.idle-timeout must be positive, was PT-1S
            vpsr.console.secure-cookie        | Always | vpsr.console.secure-cookie must be auto, always or never
            vpsr.console.absolute-expiry      | 20m  | vpsr.console.absolute-expiry must not be shorter than vpsr.console.idle-expiry
            vpsr.fair-share.call-lease        | 1s   | vpsr.fair-share.call-lease must be at least 20s
            vpsr.webhooks.connect-timeout     | 0s   | vpsr.webhooks.connect-timeout must be positive
            vpsr.webhooks.answer-timeout      | -1s  | vpsr.webhooks.answer-timeout must be positive
            vpsr.drift.stuck-after            | 0s   | vpsr.drift.stuck-after must be positive
            vpsr.drift.kept-attempts          | -1   | vpsr.drift.kept-attempts must not be negative
            vpsr.jobs.polling-interval        | 0s   | vpsr.jobs.polling-interval must be at least 100 ms
            vpsr.tracking.every               | -5s  | vpsr.tracking.every must be positive
            vpsr.jobs.run-budget              | 0s   | vpsr.jobs.run-budget must be positive
            vpsr.audit.pages.concurrent       | 0    | vpsr.audit.pages.concurrent (audit pages read at once) must be 1-64, was 0
            vpsr.audit.pages.concurrent       | 65   | vpsr.audit.pages.concurrent (audit pages read at once) must be 1-64, was 65
            vpsr.audit.pages.per-reader       | -1   | vpsr.audit.pages.per-reader (audit pages one reader reads at once) must be 1 to vpsr.audit.pages.concurrent (8), or 0 for its default, was -1
            vpsr.audit.pages.per-reader       | 9    | vpsr.audit.pages.per-reader (audit pages one reader reads at once) must be 1 to vpsr.audit.pages.concurrent (8), or 0 for its default, was 9
            vpsr.audit.backlog-flush-every    | -1s  | vpsr.audit.backlog-flush-every must be positive
            vpsr.audit.checkpoint-every       | 0s   | vpsr.audit.checkpoint-every must be positive
            vpsr.restore-window               | -1m  | vpsr.restore-window must not be negative
            vpsr.restore-window               | 20   | vpsr.restore-window=20 is not a duration (e.g. 20m, 0s)
            vpsr.reconcile.settle-after       | 0    | vpsr.reconcile.settle-after=0 is not a duration (e.g. 20m, 0s)
            vpsr.drift.kept-attempts          | many | vpsr.drift.kept-attempts=many is not a whole number
            vpsr.restore-window-backup        | 0s   | vpsr.restore-window-backup must be positive
            vpsr.reconcile.settle-after       | -1s  | vpsr.reconcile.settle-after must not be negative
            vpsr.server-lock.max-wait         | 0s   | vpsr.server-lock.max-wait must be
            vpsr.server-lock.max-connections  | 16   | vpsr.server-lock.max-connections must be 1 to datasources.default.maximum-pool-size
            vpsorg.read-timeout               | 80s  | VPS.org client configuration: vpsorg.read-timeout (80000 ms) + vpsorg.connect-timeout
            vpsorg.hold-without-retry-after   | 0s   | VPS.org client configuration: vpsorg.hold-without-retry-after must be positive
            vpsorg.hold-without-retry-after   | 2m   | VPS.org client configuration: vpsorg.hold-without-retry-after must be at most vpsorg.max-hold (PT1M), was PT2M
            vpsr.migration.allow-skipping-releases | yes | vpsr.migration.allow-skipping-releases must be true or false, was yes
            vpsr.shutdown.drain-timeout       | 20s  | vpsr.shutdown.drain-timeout (20000 ms) must not be shorter than two thirds of micronaut.server.idle-timeout (60000 ms of 90000 ms)
            """)
    void aWrongSettingStopsTheStartNamingItsKey(String key, String value, String expected) {
        PlatformOnSimulator setup = new PlatformOnSimulator(SimulatorOptions.defaults(), Map.of(key, value));
        // A failed start stops what it started itself; one that succeeded is stopped here.
        Throwable failure = catchThrowable(() -> setup.beforeAll(null));
        if (failure == null) {
            setup.afterAll(null);
        }

        assertThat(failure).as("the start with " + key + "=" + value).isNotNull();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Application.sayWhyNotStarted(failure, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("vps-recovery cannot start: " + expected)
                .doesNotContain("\tat ")
                // One line: Micronaut's path through the beans names Java methods, not what to fix (session 56).
                .hasLineCount(1);
    }
}
