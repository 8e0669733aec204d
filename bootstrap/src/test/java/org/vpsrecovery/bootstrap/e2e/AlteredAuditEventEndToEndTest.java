package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.AUDITOR_TOKEN;

import io.micronaut.runtime.server.EmbeddedServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.testing.TestDatabase;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * An audit event the schema owner changed past the table's guards, so that it no longer reads as an event, over the
 * whole service on a real PostgreSQL: the pages and the CSV export that reach it answer 409 problem+json
 * AUDIT_EVENT_ALTERED naming its sequence, never 500 INTERNAL_ERROR; an export already streaming ends with a line
 * saying so and without the chunked body's end (ADR 0005, amended in session 40).
 */
class AlteredAuditEventEndToEndTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final Instant T0 = Instant.parse("2026-02-01T12:00:00Z");

    private VpsOrgSimulator simulator;
    private TestDatabase database;
    private RunningPlatform platform;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
        database = DATABASE.anotherMigrated();
        platform = RunningPlatform.start(database, simulator, PlatformOnSimulator.NO_BACKGROUND_TRACKING);
    }

    @AfterEach
    void stop() {
        platform.close();
        simulator.close();
    }

    private void appendEvents(int count) {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            events.add(new AuditEvent(T0.plusSeconds(i), new TeamId("demo"), new RequestId("seeded-" + i),
                    Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(12345)), Optional.empty(), new Outcome.Accepted(),
                    OptionalInt.empty(), Map.of("name", "seeded-" + i)));
            if (events.size() == 100) {
                platform.audit().appendAll(events);
                events.clear();
            }
        }
        if (!events.isEmpty()) {
            platform.audit().appendAll(events);
        }
    }

    /** What the schema owner can do: switch the guard off, give the event a time no event can have, switch it on. */
    private void giveEventOneAnInfiniteTime() throws SQLException {
        giveAnInfiniteTime(1);
    }

    private void giveAnInfiniteTime(long sequence) throws SQLException {
        try (Connection owner = database.dataSource().getConnection(); Statement sql = owner.createStatement()) {
            owner.setAutoCommit(false);
            sql.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
            sql.execute("UPDATE audit_event SET occurred_at = 'infinity' WHERE sequence = " + sequence);
            sql.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
            owner.commit();
        }
    }

    private static void assertAlteredEventOne(Answer answer) {
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(409);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.get("reason_code")).isEqualTo("AUDIT_EVENT_ALTERED");
        assertThat(answer.get("sequence")).isEqualTo(1);
        assertThat((String) answer.get("detail")).startsWith("event 1 of the audit history is no longer a valid audit event")
                .contains("GET /api/v1/audit/verify/", "vpsr audit verify");
        assertThat(answer.get("request_id")).isEqualTo(answer.header("X-Request-Id"));
        assertThat(answer.header("Retry-After")).as("asking again answers the same").isNull();
    }

    @Test
    void thePagesAndTheExportThatReachAnAlteredEventAnswerItsSequenceNotAnInternalError() throws SQLException {
        appendEvents(5);
        giveEventOneAnInfiniteTime();

        assertAlteredEventOne(platform.send("GET", "/api/v1/audit/events/", AUDITOR_TOKEN, null));
        assertAlteredEventOne(platform.send("GET", "/api/v1/audit/events/?team=demo&limit=500", AUDITOR_TOKEN, null));
        assertAlteredEventOne(platform.send("GET", "/api/v1/audit/events/", AUDITOR_TOKEN, null,
                Map.of("Accept", "text/csv")));

        // A page that stops before it is served as before.
        Answer newest = platform.send("GET", "/api/v1/audit/events/?limit=2", AUDITOR_TOKEN, null);
        assertThat(newest.status()).as(newest.raw().body()).isEqualTo(200);
        Answer verify = platform.send("GET", "/api/v1/audit/verify/", AUDITOR_TOKEN, null);
        assertThat(verify.body()).containsEntry("intact", false).containsEntry("first_broken_sequence", 1)
                .containsEntry("fault", "ALTERED_EVENT");
    }

    /** The console's timeline and its CSV link show their problem page with the reason, not "Something went wrong". */
    @Test
    void theConsolesTimelineAndExportShowTheAlteredEventsProblemPage() throws SQLException {
        appendEvents(5);
        giveEventOneAnInfiniteTime();
        ConsoleClient browser = new ConsoleClient(URI.create(platform.context.getBean(EmbeddedServer.class).getURL()
                .toString()));
        assertThat(browser.signIn(AUDITOR_TOKEN, "").statusCode()).isEqualTo(303);

        for (String path : List.of("/console/audit/events", "/console/audit/events.csv")) {
            HttpResponse<String> page = browser.get(path);

            assertThat(page.statusCode()).as(path + ": " + page.body()).isEqualTo(409);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).as(path).startsWith("text/html");
            assertThat(page.body()).as(path).contains("event 1 of the audit history is no longer a valid audit event",
                    "AUDIT_EVENT_ALTERED").doesNotContain("Something went wrong");
        }
    }

    /**
     * Past the first batch (1,000 events) the status line is gone: every event before the altered one, then a line no
     * CSV row begins with, then the body broken off, so no HTTP client takes the file as whole. The altered event is in
     * the middle of the second batch: its genuine events before it were left out with it (ADR 0005, amended in
     * session 41).
     */
    @Test
    void anExportAlreadyStreamingSendsEveryEventBeforeTheAlteredOneThenALineSayingWhyAndNoEnd() throws Exception {
        appendEvents(1_500);
        giveAnInfiniteTime(200);
        HttpRequest request = HttpRequest.newBuilder(URI.create(platform.context.getBean(EmbeddedServer.class).getURL()
                        + "/api/v1/audit/events/")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + AUDITOR_TOKEN).header("Accept", "text/csv").GET().build();

        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        IOException brokenOff = null;
        try (InputStream body = response.body()) {
            byte[] buffer = new byte[8192];
            for (int read = body.read(buffer); read >= 0; read = body.read(buffer)) {
                received.write(buffer, 0, read);
            }
        } catch (IOException e) {
            brokenOff = e;
        }

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(brokenOff).as("the body ends without the chunked encoding's end").isNotNull();
        List<String> lines = received.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.getFirst()).startsWith("sequence,occurred_at,");
        assertThat(lines.getLast()).startsWith("#AUDIT_EVENT_ALTERED: event 200 of the audit history is no longer a "
                + "valid audit event").endsWith("; this export is incomplete");
        // Every event newer than the altered one, newest first, none skipped, and none older. The platform's own
        // records (this export's read among them) may be written before its first batch is read: counted, not named.
        List<Long> sent = lines.subList(1, lines.size() - 1).stream()
                .map(line -> Long.parseLong(line.substring(0, line.indexOf(',')))).toList();
        assertThat(sent.getFirst()).isGreaterThanOrEqualTo(1_500L);
        assertThat(sent).as("every event down to the altered one").hasSize((int) (sent.getFirst() - 200))
                .endsWith(201L).doesNotHaveDuplicates().isSortedAccordingTo(java.util.Comparator.reverseOrder());
    }

    /** A created snapshot, a failed create and a restore of server 12345 (team demo), at T0 + 1, 2 and 3 s. */
    private List<Long> appendACreateAFailureAndARestore() {
        return platform.audit().appendAll(List.of(
                new AuditEvent(T0.plusSeconds(1), new TeamId("demo"), new RequestId("created"), Operation.CREATE_SNAPSHOT,
                        Optional.of(new ServerId(12345)), Optional.empty(), new Outcome.Completed(), OptionalInt.empty(),
                        Map.of("name", "made")),
                new AuditEvent(T0.plusSeconds(2), new TeamId("demo"), new RequestId("failed"), Operation.CREATE_SNAPSHOT,
                        Optional.of(new ServerId(12345)), Optional.empty(),
                        new Outcome.Failed(ReasonCode.PROVIDER_UNAVAILABLE, "VPS.org answered 503"), OptionalInt.of(503),
                        Map.of("name", "not made")),
                new AuditEvent(T0.plusSeconds(3), new TeamId("demo"), new RequestId("restored"),
                        Operation.RESTORE_SNAPSHOT, Optional.of(new ServerId(12345)), Optional.empty(),
                        new Outcome.Completed(), OptionalInt.empty(), Map.of())))
                .stream().map(RecordedAuditEvent::sequence).toList();
    }

    /** As the schema owner: {@code ddl} (the guards a value needs out of the way), then {@code change}, guard on again. */
    private void tamper(String change, String... ddl) throws SQLException {
        try (Connection owner = database.dataSource().getConnection(); Statement sql = owner.createStatement()) {
            owner.setAutoCommit(false);
            for (String statement : ddl) {
                sql.execute(statement);
            }
            sql.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
            sql.execute(change);
            sql.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
            owner.commit();
        }
    }

    private static void assertAltered(Answer answer, long sequence, String why) {
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(409);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.get("reason_code")).isEqualTo("AUDIT_EVENT_ALTERED");
        assertThat(((Number) answer.get("sequence")).longValue()).isEqualTo(sequence);
        assertThat((String) answer.get("detail")).startsWith("event " + sequence + " of the audit history is no longer a "
                + "valid audit event (" + why).contains("GET /api/v1/audit/verify/");
        assertThat(answer.header("Retry-After")).isNull();
    }

    /** Each count of a summary as "operation outcome events". */
    @SuppressWarnings("unchecked")
    private static List<String> counts(Answer summary) {
        assertThat(summary.status()).as(summary.raw().body()).isEqualTo(200);
        return ((List<Map<String, Object>>) summary.get("counts")).stream()
                .map(count -> count.get("operation") + " " + count.get("outcome") + " " + count.get("events")).toList();
    }

    /**
     * The summary over a part of a day groups the events themselves: a row whose operation, outcome or team no event has
     * was answered 500 INTERNAL_ERROR (an enum or team that would not read); now 409 AUDIT_EVENT_ALTERED naming its
     * sequence, as the pages (ADR 0005, amended in session 41). Whole days and months stand on the counts each append
     * wrote, which a later change of the row does not touch: they answer what was appended. A time no event can have
     * takes the row out of every part of a day, as out of the pages' time ranges.
     */
    @Test
    void theSummaryNamesARowNoLongerAnEventWhereItGroupsTheEventsAndCountsWhatWasAppendedElsewhere() throws SQLException {
        long failed = appendACreateAFailureAndARestore().get(1);
        String partOfTheDay = "/api/v1/audit/summary/?from=2026-02-01T12:00:00Z&to=2026-02-01T13:00:00Z";
        String wholeDays = "/api/v1/audit/summary/?from=2026-02-01T00:00:00Z&to=2026-02-03T00:00:00Z&per_team=true";
        List<String> appended = List.of("CREATE_SNAPSHOT COMPLETED 1", "CREATE_SNAPSHOT FAILED 1",
                "RESTORE_SNAPSHOT COMPLETED 1");
        assertThat(counts(platform.send("GET", partOfTheDay, AUDITOR_TOKEN, null))).containsExactlyInAnyOrderElementsOf(appended);

        tamper("UPDATE audit_event SET operation = 'NOT_AN_OPERATION' WHERE sequence = " + failed,
                "ALTER TABLE audit_event DROP CONSTRAINT IF EXISTS audit_event_operation_check");
        assertAltered(platform.send("GET", partOfTheDay, AUDITOR_TOKEN, null), failed, "No enum constant");
        assertAltered(platform.send("GET", partOfTheDay + "&per_team=true", AUDITOR_TOKEN, null), failed, "No enum constant");
        assertAltered(platform.send("GET", partOfTheDay, RunningPlatform.DEMO_TOKEN, null), failed, "No enum constant");
        assertThat(counts(platform.send("GET", wholeDays, AUDITOR_TOKEN, null))).containsExactlyInAnyOrderElementsOf(appended);

        tamper("UPDATE audit_event SET operation = 'CREATE_SNAPSHOT', outcome_kind = 'NOT_AN_OUTCOME' WHERE sequence = "
                + failed, "ALTER TABLE audit_event DROP CONSTRAINT IF EXISTS audit_event_outcome_kind_check",
                "ALTER TABLE audit_event DROP CONSTRAINT IF EXISTS audit_event_outcome_shape");
        assertAltered(platform.send("GET", partOfTheDay, AUDITOR_TOKEN, null), failed, "No enum constant");

        tamper("UPDATE audit_event SET outcome_kind = 'FAILED', team = NULL WHERE sequence = " + failed,
                "ALTER TABLE audit_event ALTER COLUMN team DROP NOT NULL");
        assertAltered(platform.send("GET", partOfTheDay + "&per_team=true", AUDITOR_TOKEN, null), failed, "no team id");
        // Summed over the teams no team is read; a team's own summary does not reach a row without it.
        assertThat(counts(platform.send("GET", partOfTheDay, AUDITOR_TOKEN, null))).containsExactlyInAnyOrderElementsOf(appended);
        assertThat(counts(platform.send("GET", partOfTheDay, RunningPlatform.DEMO_TOKEN, null)))
                .containsExactlyInAnyOrder("CREATE_SNAPSHOT COMPLETED 1", "RESTORE_SNAPSHOT COMPLETED 1");

        tamper("UPDATE audit_event SET team = 'demo', occurred_at = 'infinity' WHERE sequence = " + failed);
        assertThat(counts(platform.send("GET", partOfTheDay, AUDITOR_TOKEN, null)))
                .containsExactlyInAnyOrder("CREATE_SNAPSHOT COMPLETED 1", "RESTORE_SNAPSHOT COMPLETED 1");
        assertThat(counts(platform.send("GET", wholeDays, AUDITOR_TOKEN, null))).containsExactlyInAnyOrderElementsOf(appended);
    }

    /**
     * A reason code is free text to the database: a row changed to carry one no event has needs no guard dropped. The
     * summary over a part of a day read it as a code only after its groups were read, and answered 500 INTERNAL_ERROR;
     * now 409 AUDIT_EVENT_ALTERED naming the row, as the pages (ADR 0005, amended in session 41).
     */
    @Test
    void theSummaryNamesARowWhoseReasonIsNoReasonCode() throws SQLException {
        long failed = appendACreateAFailureAndARestore().get(1);
        String partOfTheDay = "/api/v1/audit/summary/?from=2026-02-01T12:00:00Z&to=2026-02-01T13:00:00Z";
        tamper("UPDATE audit_event SET outcome_reason = 'NOT_A_REASON' WHERE sequence = " + failed);
        assertAltered(platform.send("GET", partOfTheDay, AUDITOR_TOKEN, null), failed, "No enum constant");
        assertAltered(platform.send("GET", partOfTheDay + "&per_team=true", AUDITOR_TOKEN, null), failed, "No enum constant");
        assertAltered(platform.send("GET", partOfTheDay, RunningPlatform.DEMO_TOKEN, null), failed, "No enum constant");
    }

    /**
     * The recoverability report reads each server's last completed create and restore as times only: a time no event can
     * have (PostgreSQL's 'infinity') was served as "+292278994-08-16T23:00:00Z", a create 292 million years ahead. Now
     * 409 AUDIT_EVENT_ALTERED naming the row, for a team and an auditor (ADR 0005, amended in session 41). What it does
     * not read (a failure's team) leaves its answer as it was.
     */
    @Test
    void theRecoverabilityReportNamesACreateWhoseTimeNoEventCanHave() throws SQLException {
        List<Long> sequences = appendACreateAFailureAndARestore();
        tamper("UPDATE audit_event SET team = NULL WHERE sequence = " + sequences.get(1),
                "ALTER TABLE audit_event ALTER COLUMN team DROP NOT NULL");
        for (String token : List.of(AUDITOR_TOKEN, RunningPlatform.DEMO_TOKEN)) {
            Answer report = platform.send("GET", "/api/v1/audit/recoverability/", token, null);
            assertThat(report.status()).as(report.raw().body()).isEqualTo(200);
            assertThat(report.raw().body()).contains("\"last_completed_create\":\"2026-02-01T12:00:01Z\"",
                    "\"last_completed_restore\":\"2026-02-01T12:00:03Z\"");
        }

        tamper("UPDATE audit_event SET occurred_at = 'infinity' WHERE sequence = " + sequences.get(0));
        assertAltered(platform.send("GET", "/api/v1/audit/recoverability/", AUDITOR_TOKEN, null), sequences.get(0),
                "occurred at ");
        assertAltered(platform.send("GET", "/api/v1/audit/recoverability/", RunningPlatform.DEMO_TOKEN, null),
                sequences.get(0), "occurred at ");

        tamper("UPDATE audit_event SET occurred_at = '" + T0.plusSeconds(1) + "' WHERE sequence = " + sequences.get(0));
        tamper("UPDATE audit_event SET occurred_at = '-infinity' WHERE sequence = " + sequences.get(2));
        assertAltered(platform.send("GET", "/api/v1/audit/recoverability/", AUDITOR_TOKEN, null), sequences.get(2),
                "occurred at ");
    }
}
