package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.application.operation.TrackOperationsService;
import org.vpsrecovery.application.policy.RunPoliciesService.Run;
import org.vpsrecovery.application.policy.RunPoliciesService.RunResult;
import org.vpsrecovery.bootstrap.PolicyRunJobs;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.policy.Retention;
import org.vpsrecovery.domain.policy.RetentionCandidate;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.policy.RetentionVerdict;
import org.vpsrecovery.simulator.SimulatorClock;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * Issue 14's "a policy running every minute for a simulated week", over the whole platform: the REST facade
 * for the policy and the hold, the policy-runs job's window tick ({@link PolicyRunJobs#tick}, what the
 * db-scheduler task calls with its stored window), the real VPS.org client to the simulator on loopback,
 * PostgreSQL, and the tracker ({@link TrackOperationsService#tick}, the tracking job's body) following every
 * create and delete to its end. One clock, standing still unless the test moves it, is both the platform's
 * {@code Clock} bean and the simulator's, so runs' times, snapshots' ages and their completion (20 s after
 * the create) agree. The db-scheduler timers of these jobs are set to an hour so they stay out of the way.
 *
 * <p>What is simulated, precisely. 10,080 minutes x 2 servers through HTTP, at the 0.1-0.25 s a minute measured
 * on the shared 2-core machine, would take 20-40 minutes, far beyond this suite's budget. So the cron is every
 * minute ({@code * * * * *}, Asia/Kolkata, so its days are not UTC's) over two servers, and the seven days from
 * the policy's creation (three hours before a local midnight) are covered in consecutive windows, as the job's
 * stored window end makes them:
 * <ol>
 *   <li>the first 6 hours minute by minute: 360 windows of one minute, each yielding exactly one run per
 *   server (720 runs), crossing the local midnight, where keep_daily's periods change;</li>
 *   <li>then three hours of downtime: one window of three hours, which yields one run per server, not 180;</li>
 *   <li>then the rest of the week in windows of three hours (53 of them), each of which yields exactly one run
 *   per server, the window's last minute, as the scheduler's window semantics promise (ADR 0028): a window
 *   holding several cron times runs the latest one once.</li>
 * </ol>
 * Retention is keep_last 2 and keep_daily 2. Each server has two points that are never the policy's to drop (on
 * 12345 the seed's two person-made snapshots; on 23456 one made by a person before the week and the policy's
 * first, held), so every run once the server is full rotates at VPS.org's limit of five.
 *
 * <p>Run time: 25 s in bootstrap's whole suite on a quieter moment of the shared machine; 85 s at a load of
 * 5-11 (its JVM used 43 s of CPU, PostgreSQL 12 s); under the 90 s budget on an idle one.
 */
class PolicyWeekEndToEndTest {

    private static final long WEB = 12345;
    private static final long DB = 23456;
    private static final ZoneId ZONE = ZoneId.of("Asia/Kolkata");
    private static final Duration COMPLETION = Duration.ofSeconds(20);
    private static final RetentionRules RULES = new RetentionRules(2, Duration.ZERO, 2, 0, 0, 0, false);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmm");

    private static final Duration MINUTE_BY_MINUTE = Duration.ofHours(6);
    // Three hours before the next local midnight at least three hours away, and half a minute past a minute, so
    // every window's end is past its cron minute and the jitter (at most 6 s).
    static final SimulatorClock CLOCK = SimulatorClock.fixedAt(Instant.now().plus(Duration.ofHours(3)).atZone(ZONE)
            .toLocalDate().plusDays(1).atStartOfDay(ZONE).toInstant().minus(Duration.ofHours(3)).plusSeconds(30));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults().withClock(CLOCK).withDelays(COMPLETION, Duration.ofSeconds(10)),
            Map.of(
                    "vpsr.policies.tick-every", "1h", "vpsr.tracking.every", "1h", "vpsr.reconcile.every", "1h",
                    "vpsr.teams.demo.servers", WEB + "," + DB, "vpsr.teams.other-team.servers", "34567"))
            .withPlatformClock(CLOCK);

    /** One run as the audit history recorded it: the point its create made, when, and whether it rotated one away. */
    record RecordedRun(long server, Instant scheduledFor, long snapshot, Instant madeAt, boolean rotated) {
    }

    private Instant windowEnd;
    private final List<Run> runs = new ArrayList<>();
    // Per run (server, cron time): whether VPS.org listed the server full (five) just before it.
    private final Map<String, Boolean> fullBefore = new HashMap<>();

    @Test
    void aPolicyEveryMinuteForASimulatedWeekKeepsWhatRetentionSaysAndNeverExceedsTheLimit() {
        Instant begin = CLOCK.instant();
        Map<Long, Instant> seeded = listedAtVpsOrg(WEB);
        assertThat(seeded).containsOnlyKeys(801L, 798L);
        Answer personal = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.DEMO_TOKEN,
                "{\"server_id\": " + DB + ", \"name\": \"before-the-week\"}");
        assertThat(personal.status()).as(personal.body().toString()).isEqualTo(201);
        long personalId = ((Number) personal.get("id")).longValue();
        Answer created = SETUP.platform().send("POST", "/api/v1/policies/", RunningPlatform.DEMO_TOKEN, """
                {"kind": "snapshot", "server_ids": [%d, %d], "cron": "* * * * *", "time_zone": "%s",
                 "name_template": "week-{server_id}-{date}-{time}", "keep_last": 2, "keep_daily": 2}"""
                .formatted(WEB, DB, ZONE.getId()));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        String policyId = (String) created.get("id");
        windowEnd = CLOCK.instant();

        // 1. The first hours, minute by minute; the policy's first point on 23456 is held after its run.
        long held = -1;
        for (int minute = 1; minute <= MINUTE_BY_MINUTE.toMinutes(); minute++) {
            step(Duration.ofMinutes(1));
            if (minute == 1) {
                Instant first = runs.get(runs.size() - 1).scheduledFor();
                String name = "week-" + DB + "-" + DATE.format(first.atZone(ZONE)) + "-" + TIME.format(first.atZone(ZONE));
                held = listedNamesAtVpsOrg(DB).entrySet().stream().filter(e -> e.getValue().equals(name))
                        .mapToLong(Map.Entry::getKey).findFirst().orElseThrow();
                Answer hold = SETUP.platform().send("POST", "/api/v1/snapshots/" + held + "/holds/", RunningPlatform.DEMO_TOKEN,
                        "{\"reason\": \"kept through the simulated week\"}");
                assertThat(hold.status()).as(hold.body().toString()).isEqualTo(201);
            }
        }
        // 2. Three hours down: one run per server (the latest minute), not 180.
        step(Duration.ofHours(3));
        // 3. The rest of the week, three hours per window.
        int later = 0;
        while (windowEnd.plus(Duration.ofHours(3)).compareTo(begin.plus(Duration.ofDays(7))) <= 0) {
            step(Duration.ofHours(3));
            later++;
        }
        assertThat(later).isEqualTo(53);
        int windows = (int) MINUTE_BY_MINUTE.toMinutes() + 1 + later;
        assertThat(windowEnd).isEqualTo(begin.plus(Duration.ofDays(7)));
        assertThat(runs).hasSize(2 * windows).allSatisfy(run -> assertThat(run.result()).isEqualTo(RunResult.MADE));

        // Every run is in the history once, with its policy and cron time; no minute ran twice.
        List<RecordedRun> recorded = recordedRuns(policyId);
        assertThat(recorded).hasSize(runs.size());
        assertThat(recorded.stream().map(r -> r.server() + "@" + r.scheduledFor()).collect(Collectors.toSet()))
                .isEqualTo(runs.stream().map(r -> r.server().value() + "@" + r.scheduledFor()).collect(Collectors.toSet()));
        assertThat(eventsOf(Operation.CREATE_SNAPSHOT, Outcome.Kind.ACCEPTED).stream()
                .filter(e -> policyId.equals(e.detail().get(AuditEvent.POLICY_ID)))).hasSize(runs.size());

        // Rotation at the limit: every run that found its server full rotated one away first, and VPS.org never
        // held a sixth nor refused a create at its limit.
        for (RecordedRun run : recorded) {
            assertThat(run.rotated()).as("run %s on %d", run.scheduledFor(), run.server())
                    .isEqualTo(fullBefore.get(run.server() + "@" + run.scheduledFor()));
        }
        assertThat(recorded).filteredOn(RecordedRun::rotated).hasSizeGreaterThan(runs.size() * 9 / 10);
        assertThat(SETUP.simulator().mostSnapshotsOn(WEB)).isEqualTo(5);
        assertThat(SETUP.simulator().mostSnapshotsOn(DB)).isEqualTo(5);
        assertThat(SETUP.simulator().refusedAtSnapshotLimit()).isZero();

        // What is left at VPS.org is exactly what the retention model keeps, evaluated here over every point the
        // runs recorded (not only the survivors) once the last run's point has completed (rotation counts the
        // point a run makes as completed, ADR 0036): only points no rule keeps were deleted.
        CLOCK.advance(COMPLETION);
        Instant allCompletedAt = CLOCK.instant();
        for (long server : List.of(WEB, DB)) {
            List<RetentionCandidate> candidates = new ArrayList<>();
            for (RecordedRun run : recorded) {
                if (run.server() == server) {
                    candidates.add(new RetentionCandidate(new ResourceRef(ResourceRef.Type.SNAPSHOT, run.snapshot()),
                            run.madeAt(), !run.madeAt().plus(COMPLETION).isAfter(allCompletedAt), RetentionCandidate.Maker.POLICY,
                            run.snapshot() == held));
                }
            }
            Map<Long, Instant> persons = server == WEB ? seeded : Map.of(personalId, begin);
            persons.forEach((id, at) -> candidates.add(new RetentionCandidate(new ResourceRef(ResourceRef.Type.SNAPSHOT, id),
                    at, true, RetentionCandidate.Maker.PERSON, false)));
            Set<Long> kept = Retention.evaluate(RULES, ZONE, candidates, CLOCK.instant()).stream().filter(RetentionVerdict::keep)
                    .map(v -> v.candidate().point().id()).collect(Collectors.toSet());
            assertThat(listedAtVpsOrg(server).keySet()).as("server %d", server).isEqualTo(kept);
            assertThat(kept).containsAll(persons.keySet()).hasSizeLessThanOrEqualTo(5);
        }
        assertThat(listedAtVpsOrg(DB)).containsKey(held);
        Set<Long> deleted = eventsOf(Operation.DELETE_SNAPSHOT, Outcome.Kind.SUBMITTED).stream()
                .map(e -> e.resource().orElseThrow().id()).collect(Collectors.toSet());
        assertThat(deleted).doesNotContain(801L, 798L, personalId, held)
                .hasSize(recorded.size() - listedAtVpsOrg(WEB).size() - listedAtVpsOrg(DB).size() + 3);

        Answer verify = SETUP.platform().send("GET", "/api/v1/audit/verify/", RunningPlatform.AUDITOR_TOKEN, null);
        assertThat(verify.body()).containsEntry("intact", true);
    }

    /**
     * Moves the shared clock on by {@code by}, lets the tracker follow what is open, and runs the window since the
     * last one: exactly one run per server, for the window's last cron minute.
     */
    private void step(Duration by) {
        Map<Long, Boolean> full = Map.of(WEB, listedAtVpsOrg(WEB).size() == 5, DB, listedAtVpsOrg(DB).size() == 5);
        CLOCK.advance(by);
        Instant now = CLOCK.instant();
        SETUP.platform().context.getBean(TrackOperationsService.class).tick();
        List<Run> done = SETUP.platform().context.getBean(PolicyRunJobs.class).tick(windowEnd, now);
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        assertThat(done).as("window (%s, %s]", windowEnd, now).hasSize(2).allSatisfy(run -> {
            assertThat(run.result()).isEqualTo(RunResult.MADE);
            assertThat(run.scheduledFor()).isEqualTo(minute);
        });
        assertThat(done).extracting(run -> run.server().value()).containsExactlyInAnyOrder(WEB, DB);
        done.forEach(run -> fullBefore.put(run.server().value() + "@" + run.scheduledFor(), full.get(run.server().value())));
        runs.addAll(done);
        windowEnd = now;
    }

    /** The policy's runs as the history has them: each create's SUBMITTED event (the point made, when, rotated). */
    private static List<RecordedRun> recordedRuns(String policyId) {
        return eventsOf(Operation.CREATE_SNAPSHOT, Outcome.Kind.SUBMITTED).stream()
                .filter(e -> policyId.equals(e.detail().get(AuditEvent.POLICY_ID)))
                .map(e -> new RecordedRun(e.server().orElseThrow().value(), Instant.parse(e.detail().get(AuditEvent.SCHEDULED_FOR)),
                        e.resource().orElseThrow().id(), e.occurredAt(), e.detail().containsKey(AuditEvent.ROTATED)))
                .toList();
    }

    /** Every event of one operation and outcome, paged through the history newest first. */
    private static List<AuditEvent> eventsOf(Operation operation, Outcome.Kind kind) {
        List<AuditEvent> events = new ArrayList<>();
        OptionalLong before = OptionalLong.empty();
        List<RecordedAuditEvent> page;
        do {
            AuditQuery query = AuditQuery.latest(AuditQuery.MAX_LIMIT).withOperations(Set.of(operation)).withOutcome(kind);
            page = SETUP.platform().audit().query(before.isPresent() ? query.before(before.getAsLong()) : query);
            page.forEach(r -> events.add(r.event()));
            before = page.isEmpty() ? before : OptionalLong.of(page.get(page.size() - 1).sequence());
        } while (page.size() == AuditQuery.MAX_LIMIT);
        return events;
    }

    /** The server's snapshots as VPS.org (the simulator, asked directly) lists them: id to created at. */
    private static Map<Long, Instant> listedAtVpsOrg(long server) {
        Map<Long, Instant> listed = new HashMap<>();
        listAtVpsOrg(server).forEach(s -> listed.put(((Number) s.get("id")).longValue(), Instant.parse((String) s.get("created_at"))));
        return listed;
    }

    private static Map<Long, String> listedNamesAtVpsOrg(long server) {
        Map<Long, String> listed = new HashMap<>();
        listAtVpsOrg(server).forEach(s -> listed.put(((Number) s.get("id")).longValue(), (String) s.get("name")));
        return listed;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> listAtVpsOrg(long server) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(SETUP.simulator().baseUri() + "/api/v1/snapshots/?server_id=" + server))
                .header("Authorization", "Bearer " + VpsOrgSimulator.DEMO_TOKEN).timeout(Duration.ofSeconds(10)).build();
        try {
            HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            return (List<Map<String, Object>>) SETUP.platform().json.readValue(answer.body(), Map.class).get("results");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
