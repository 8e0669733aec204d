package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.SimulatorClock;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * An approved restore's hold on its server over HTTP (ADR 0040, amended in session 43), against PostgreSQL, the
 * simulator and people's JWTs checked against a JWKS on loopback. The platform's one clock stands still unless the test
 * moves it (the JWTs are checked on the system's), so the instants answered are known exactly: a restore asked at T
 * and approved an hour later holds its server from its run, T + 1 h, not from T; its operation's {@code accepted_at}
 * stays T.
 */
class ApprovedRestoreHoldEndToEndTest {

    private static final long WEB = 12345;
    private static final Duration RESTORE_WINDOW = Duration.ofMinutes(15);
    static final SimulatorClock CLOCK = SimulatorClock.fixedAt(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @RegisterExtension
    static final PlatformWithIdentityProvider SETUP = new PlatformWithIdentityProvider(SimulatorOptions.defaults(),
            PlatformWithIdentityProvider.with(PlatformWithIdentityProvider.QUICK_APPROVALS, Map.of(
                    "vpsr.teams.demo.approval-required", "restore",
                    "vpsr.teams.demo.approval-time-limit", "2h",
                    "vpsr.teams.demo.safety-snapshot", "false",
                    "vpsr.restore-window", RESTORE_WINDOW.toMinutes() + "m")))
            .withPlatformClock(CLOCK);

    @Test
    @SuppressWarnings("unchecked")
    void anApprovedRestoreHoldsItsServerFromItsRunAfterTheApprovalNotFromItsAsk() {
        Instant asked = CLOCK.instant();
        Answer pending = SETUP.platform().send("POST", "/api/v1/snapshots/801/restore/",
                SETUP.idp().member("alice@example.com", "demo"), null, Map.of("X-Request-Id", "approved-restore-hold"));
        assertThat(pending.status()).as(pending.body().toString()).isEqualTo(202);
        assertThat(pending.body()).containsEntry("state", "pending_approval").containsEntry("accepted_at", asked.toString());
        String operation = pending.header("X-Operation-Id");
        Answer waiting = SETUP.platform().send("GET", "/api/v1/servers/" + WEB + "/", DEMO_TOKEN, null);
        assertThat(waiting.status()).isEqualTo(200);
        assertThat(waiting.body()).containsEntry("x_vpsr_restore", null); // a pending restore holds nothing

        CLOCK.advance(Duration.ofHours(1));
        Instant ran = CLOCK.instant();
        Answer approved = SETUP.platform().send("POST", "/api/v1/operations/" + operation + "/approval/",
                SETUP.idp().member("bob@example.com", "demo"), "{\"decision\": \"approve\"}",
                Map.of("X-Request-Id", "approved-restore-hold-bob"));

        assertThat(approved.status()).as(approved.body().toString()).isEqualTo(200);
        assertThat(approved.get("state")).as(approved.body().toString()).isIn("accepted", "in_progress");
        assertThat(approved.body()).containsEntry("accepted_at", asked.toString());
        assertThat(((Map<String, Object>) ((Map<String, Object>) approved.get("approval")).get("decision")))
                .containsEntry("decided_at", ran.toString());
        Answer held = SETUP.platform().send("GET", "/api/v1/servers/" + WEB + "/", DEMO_TOKEN, null);
        assertThat(held.status()).isEqualTo(200);
        assertThat(held.body()).containsEntry("status", "restoring");
        assertThat((Map<String, Object>) held.get("x_vpsr_restore")).containsEntry("operation_id", operation)
                .containsEntry("since", ran.toString()).containsEntry("until", ran.plus(RESTORE_WINDOW).toString());
        Answer read = SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/", DEMO_TOKEN, null);
        assertThat(read.body()).containsEntry("accepted_at", asked.toString())
                .containsEntry("deadline", ran.plus(RESTORE_WINDOW).toString());
    }
}
