package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * X-Request-Id is the client's, and clients reuse it: here two teams, and one of them twice, send
 * the same one with creates of the same name. The first answer is lost before VPS.org acts (the
 * simulator drops the connection). Tracking settles each operation by the platform's own operation
 * id (ADR 0027): the lost one is not done, the others complete with their own snapshots, and no
 * event of one operation names another's attempt.
 */
class ReusedRequestIdEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults(),
            PlatformOnSimulator.with(PlatformOnSimulator.QUICK_TRACKING, Map.of(
                    "vpsr.jobs.polling-interval", "500ms",
                    "vpsr.reconcile.settle-after", "1s")));

    private static final String SHARED = "deploy-42";
    private static final String BODY = "{\"server_id\": %d, \"name\": \"nightly\"}";

    private static Answer waitFor(String operation, String token) {
        return SETUP.platform().send("GET", "/api/v1/operations/" + operation + "/?wait=30", token, null);
    }

    @Test
    void trackingSettlesEachOperationByItsOwnIdWhateverRequestIdItCameWith() {
        SETUP.simulator().faults().add(Fault.dropConnection().on("POST", "/api/v1/snapshots/").times(1));
        Answer lost = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN, BODY.formatted(12345),
                Map.of("X-Request-Id", SHARED));
        assertThat(lost.status()).as("the answer was lost: %s", lost.body()).isEqualTo(504);
        Answer sameTeam = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN, BODY.formatted(12345),
                Map.of("X-Request-Id", SHARED));
        Answer otherTeam = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.OTHER_TOKEN, BODY.formatted(23456),
                Map.of("X-Request-Id", SHARED));
        assertThat(sameTeam.status()).isEqualTo(201);
        assertThat(otherTeam.status()).isEqualTo(201);
        String lostOperation = lost.header("X-Operation-Id");
        String sameTeamOperation = sameTeam.header("X-Operation-Id");
        String otherTeamOperation = otherTeam.header("X-Operation-Id");
        assertThat(List.of(lostOperation, sameTeamOperation, otherTeamOperation)).doesNotHaveDuplicates();

        Answer lostEnd = waitFor(lostOperation, RunningPlatform.DEMO_TOKEN);
        Answer sameTeamEnd = waitFor(sameTeamOperation, RunningPlatform.DEMO_TOKEN);
        Answer otherTeamEnd = waitFor(otherTeamOperation, RunningPlatform.OTHER_TOKEN);

        assertThat(lostEnd.get("state")).as("not done at VPS.org: %s", lostEnd.body()).isEqualTo("failed");
        assertThat(lostEnd.get("resource")).as("it claims no one's snapshot").isNull();
        assertThat(sameTeamEnd.get("state")).isEqualTo("completed");
        assertThat(otherTeamEnd.get("state")).isEqualTo("completed");
        assertThat(sameTeamEnd.get("resource")).isEqualTo(Map.of("type", "snapshot", "id", sameTeam.get("id")));
        assertThat(otherTeamEnd.get("resource")).isEqualTo(Map.of("type", "snapshot", "id", otherTeam.get("id")));

        List<RecordedAuditEvent> shared = SETUP.platform().auditOf(SHARED);
        assertThat(outcomesOf(shared, lostOperation))
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.UNRESOLVED, Outcome.Kind.FAILED);
        assertThat(outcomesOf(shared, sameTeamOperation))
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED, Outcome.Kind.COMPLETED);
        assertThat(outcomesOf(shared, otherTeamOperation))
                .containsExactly(Outcome.Kind.ACCEPTED, Outcome.Kind.SUBMITTED, Outcome.Kind.COMPLETED);
        assertThat(shared).as("every event of the shared request id belongs to one of the three attempts")
                .allSatisfy(e -> assertThat(e.event().attemptId()).get()
                        .isIn(lostOperation, sameTeamOperation, otherTeamOperation));
    }

    private static List<Outcome.Kind> outcomesOf(List<RecordedAuditEvent> events, String operation) {
        return events.stream().filter(e -> e.event().attemptId().filter(operation::equals).isPresent())
                .map(e -> e.event().outcome().kind()).toList();
    }
}
