package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.AUDITOR_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.OTHER_TOKEN;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.application.operation.TrackOperationsService;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * The audit reports of the whole service, against a real PostgreSQL and the simulator: each
 * filter, pagination while events are appended, the CSV export of hostile text, role separation.
 */
// The filter walk first, over the seed's traffic (ADR 0002, amended in session 54): run last, as JUnit's default order
// had it, it walked three events a page through the large export's 3,000 rows, the appenders' rows and every page read
// since (thousands of requests, most of the class's time) for no kind of event the seed lacks. The others keep JUnit's
// default order among themselves.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditReportsEndToEndTest {

    // Tracking runs when a test says so: the reports are compared with exact event counts.
    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(
            SimulatorOptions.defaults(),
            PlatformOnSimulator.NO_BACKGROUND_TRACKING);

    @BeforeAll
    static void start() {
        seedThroughTheApi();
    }

    @BeforeEach
    void freshProvider() {
        SETUP.simulator().reset();
    }

    /** Real traffic of both teams: creates, a limit refusal, a provider refusal, a backup. */
    static void seedThroughTheApi() {
        for (int i = 0; i < 4; i++) {
            SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN,
                    "{\"server_id\": 12345, \"name\": \"seed-" + i + "\"}", Map.of("X-Request-Id", "seed-snapshot-" + i));
        }
        SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN, "{\"server_id\": 12345, \"description\": \"nightly\"}",
                Map.of("X-Request-Id", "seed-backup"));
        SETUP.platform().send("POST", "/api/v1/snapshots/", OTHER_TOKEN, "{\"server_id\": 23456, \"name\": \"other\"}",
                Map.of("X-Request-Id", "seed-other"));
        SETUP.platform().send("DELETE", "/api/v1/snapshots/999999/", OTHER_TOKEN, null, Map.of("X-Request-Id", "seed-missing"));
    }

    private static List<RecordedAuditEvent> wholeHistory() {
        List<RecordedAuditEvent> all = new ArrayList<>();
        AuditQuery page = AuditQuery.latest(AuditQuery.MAX_LIMIT);
        while (true) {
            List<RecordedAuditEvent> read = SETUP.platform().audit().query(page);
            all.addAll(read);
            if (read.size() < AuditQuery.MAX_LIMIT) {
                return all;
            }
            page = page.before(read.getLast().sequence());
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Number> sequencesOf(Answer page) {
        assertThat(page.status()).as(page.raw().body()).isEqualTo(200);
        return ((List<Map<String, Object>>) page.get("results")).stream().map(e -> (Number) e.get("sequence")).toList();
    }

    /** Every page of a query, following {@code next}. */
    private static List<Long> allPages(String query, String token, int limit) {
        List<Long> read = new ArrayList<>();
        String cursor = null;
        do {
            Answer page = SETUP.platform().send("GET", "/api/v1/audit/events/?limit=" + limit + query
                    + (cursor == null ? "" : "&cursor=" + cursor), token, null);
            sequencesOf(page).forEach(n -> read.add(n.longValue()));
            cursor = (String) page.get("next");
        } while (cursor != null);
        return read;
    }

    private static long headSequence() {
        return wholeHistory().getFirst().sequence();
    }

    private static List<Long> expectedUpTo(AuditEventFilter filter, long head) {
        return expected(filter).stream().filter(sequence -> sequence <= head).toList();
    }

    private static List<Long> expected(AuditEventFilter filter) {
        return wholeHistory().stream().filter(filter::matches).map(RecordedAuditEvent::sequence)
                .sorted(Comparator.reverseOrder()).toList();
    }

    @Test
    @Order(1)
    void eachFilterMatchesTheHistoryExactly() {
        appendedOutOfTimeOrder();
        List<RecordedAuditEvent> history = wholeHistory();
        assertThat(history).hasSizeGreaterThan(10);
        Instant middle = history.get(history.size() / 2).event().occurredAt();
        AuditEventFilter all = AuditEventFilter.everything();
        Map<String, AuditEventFilter> filters = new java.util.LinkedHashMap<>();
        filters.put("", all);
        filters.put("&team=demo", all.forTeam(new TeamId("demo")));
        filters.put("&team=other-team", all.forTeam(new TeamId("other-team")));
        filters.put("&server_id=23456", all.forServer(new ServerId(23456)));
        filters.put("&operation=create_manual_backup", all.withOperation(Operation.CREATE_MANUAL_BACKUP));
        filters.put("&outcome=rejected", all.withOutcome(Outcome.Kind.REJECTED));
        filters.put("&outcome=COMPLETED", all.withOutcome(Outcome.Kind.COMPLETED));
        filters.put("&reason_code=SNAPSHOT_LIMIT_REACHED", all.withReason(ReasonCode.SNAPSHOT_LIMIT_REACHED));
        filters.put("&reason_code=SNAPSHOT_NOT_FOUND", all.withReason(ReasonCode.SNAPSHOT_NOT_FOUND));
        filters.put("&request_id=seed-backup", all.forRequest(new RequestId("seed-backup")));
        filters.put("&from=" + middle, all.between(Optional.of(middle), Optional.empty()));
        filters.put("&to=" + middle, all.between(Optional.empty(), Optional.of(middle)));
        filters.put("&team=demo&operation=create_snapshot&outcome=rejected",
                all.forTeam(new TeamId("demo")).withOperation(Operation.CREATE_SNAPSHOT).withOutcome(Outcome.Kind.REJECTED));
        filters.forEach((query, filter) -> {
            List<Long> want = expected(filter);
            assertThat(allPages(query, AUDITOR_TOKEN, 3)).as(query).containsExactlyElementsOf(want);
        });
        // the seed did produce each kind the filters look for
        assertThat(expected(all.withReason(ReasonCode.SNAPSHOT_LIMIT_REACHED))).isNotEmpty();
        assertThat(expected(all.withReason(ReasonCode.SNAPSHOT_NOT_FOUND))).isNotEmpty();
        assertThat(expected(all.withOperation(Operation.CREATE_MANUAL_BACKUP))).isNotEmpty();
    }

    /**
     * Run first, the filter walk would see only the seed's traffic, appended one request after another: time order and
     * sequence order the same, so a time range read as a sequence range, or pages kept in time order, would pass. So
     * events of both teams are appended in parallel (times taken before the appends, sequences in whatever order they
     * commit, near-tied), then one dated before every event so far, appended last: the newest sequence, among the oldest
     * times (review of session 54's cispeed2).
     */
    private static void appendedOutOfTimeOrder() {
        List<AuditEvent> parallel = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            boolean demo = i % 2 == 0;
            parallel.add(new AuditEvent(Instant.now(), new TeamId(demo ? "demo" : "other-team"),
                    new RequestId("disorder-" + i), demo ? Operation.DELETE_BACKUP : Operation.CREATE_SNAPSHOT,
                    Optional.of(new ServerId(demo ? 12345 : 23456)), Optional.empty(), new Outcome.Rejected(demo
                    ? ReasonCode.BACKUP_IN_PROGRESS : ReasonCode.SNAPSHOT_LIMIT_REACHED), OptionalInt.empty(), Map.of()));
        }
        parallel.parallelStream().forEach(SETUP.platform().audit()::append);
        Instant beforeEveryEvent = wholeHistory().stream().map(e -> e.event().occurredAt()).min(Comparator.naturalOrder())
                .orElseThrow().minusSeconds(1);
        SETUP.platform().audit().append(new AuditEvent(beforeEveryEvent, new TeamId("demo"), new RequestId("disorder-dated-early"),
                Operation.DELETE_BACKUP, Optional.of(new ServerId(12345)), Optional.empty(),
                new Outcome.Rejected(ReasonCode.BACKUP_IN_PROGRESS), OptionalInt.empty(), Map.of()));
        List<RecordedAuditEvent> appended = wholeHistory();
        assertThat(appended.getFirst().event().occurredAt()).as("the newest sequence, the oldest time")
                .isEqualTo(beforeEveryEvent);
    }

    @Test
    void pagesHaveNoRepeatsOrGapsWhileNewEventsAreAppended() throws Exception {
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicInteger appended = new AtomicInteger();
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                running.add(writers.submit(() -> {
                    while (reading.get()) {
                        SETUP.platform().audit().append(new AuditEvent(Instant.now(), new TeamId("demo"),
                                new RequestId("append-" + writer + "-" + appended.incrementAndGet()),
                                Operation.DELETE_BACKUP, Optional.of(new ServerId(12345)), Optional.empty(),
                                new Outcome.Rejected(ReasonCode.BACKUP_IN_PROGRESS), OptionalInt.empty(), Map.of()));
                    }
                }));
            }
            await("the writers' first events").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                    .until(() -> appended.get() >= 20);
            List<Long> read = allPages("&team=demo", DEMO_TOKEN, 4);
            int duringTheWalk = appended.get();
            reading.set(false);
            for (Future<?> writer : running) {
                writer.get();
            }
            assertThat(duringTheWalk).isGreaterThan(20);
            assertThat(new HashSet<>(read)).hasSameSizeAs(read);
            // exactly the team's events up to the newest one the first page saw, newest first
            long newestSeen = read.getFirst();
            assertThat(read).containsExactlyElementsOf(expected(AuditEventFilter.everything().forTeam(new TeamId("demo")))
                    .stream().filter(s -> s <= newestSeen).toList());
        } finally {
            reading.set(false);
            writers.shutdownNow();
        }
    }

    @Test
    void theCsvExportDefusesHostileDescriptions() {
        String hostile = "=HYPERLINK(\"http://evil.example\",\"click\"), \"quoted\", +1, @SUM(A1)";
        Answer created = SETUP.platform().send("POST", "/api/v1/backups/", DEMO_TOKEN,
                "{\"server_id\": 12345, \"description\": " + jsonString(hostile) + "}", Map.of("X-Request-Id", "csv-hostile"));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        // a newline cannot come through the API (descriptions refuse control characters): straight into the history
        SETUP.platform().audit().append(new AuditEvent(Instant.now(), new TeamId("demo"), new RequestId("csv-newline"),
                Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(12345)), Optional.empty(), new Outcome.Completed(),
                OptionalInt.empty(), Map.of("description", "-first line\nsecond, \"line\"")));

        Answer csv = SETUP.platform().send("GET", "/api/v1/audit/events/?team=demo", AUDITOR_TOKEN, null, Map.of("Accept", "text/csv"));

        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        List<List<String>> rows = parseCsv(csv.raw().body());
        List<String> header = rows.getFirst();
        int request = header.indexOf("request_id");
        int description = header.indexOf("description");
        assertThat(rows.subList(1, rows.size())).allSatisfy(row -> assertThat(row).hasSameSizeAs(header));
        List<String> hostileRows = rows.stream().filter(r -> r.get(request).equals("csv-hostile"))
                .map(r -> r.get(description)).toList();
        assertThat(hostileRows).hasSize(2).containsOnly("'" + hostile);
        assertThat(rows.stream().filter(r -> r.get(request).equals("csv-newline")).map(r -> r.get(description)))
                .containsExactly("'-first line\nsecond, \"line\"");
        assertThat(rows).hasSize(1 + expected(AuditEventFilter.everything().forTeam(new TeamId("demo"))).size());
    }

    @Test
    void aLargeExportStreamsEveryRow() {
        for (int i = 0; i < 30; i++) {
            List<AuditEvent> batch = new ArrayList<>();
            for (int j = 0; j < 100; j++) {
                batch.add(new AuditEvent(Instant.now(), new TeamId("other-team"), new RequestId("bulk-" + i + "-" + j),
                        Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(23456)), Optional.empty(),
                        new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED), OptionalInt.empty(), Map.of()));
            }
            batch.parallelStream().forEach(SETUP.platform().audit()::append);
        }
        Answer csv = SETUP.platform().send("GET", "/api/v1/audit/events/?team=other-team&reason_code=SNAPSHOT_LIMIT_REACHED",
                OTHER_TOKEN, null, Map.of("Accept", "text/csv"));
        assertThat(csv.status()).isEqualTo(200);
        // streamed in chunks as the cursor is read, not measured (and held) first
        assertThat(csv.header("Content-Length")).isNull();
        assertThat(csv.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(parseCsv(csv.raw().body())).hasSize(1 + expected(AuditEventFilter.everything()
                .forTeam(new TeamId("other-team")).withReason(ReasonCode.SNAPSHOT_LIMIT_REACHED)).size());
    }

    @Test
    @SuppressWarnings("unchecked")
    void rolesAreSeparated() {
        // Each page read appends its own AUDIT_READ event (ADR 0034), newer than the pages: compare up to the head before.
        long head = headSequence();
        assertThat(allPages("", DEMO_TOKEN, 100)).containsExactlyElementsOf(
                expectedUpTo(AuditEventFilter.everything().forTeam(new TeamId("demo")), head));
        head = headSequence();
        assertThat(allPages("", OTHER_TOKEN, 100)).containsExactlyElementsOf(
                expectedUpTo(AuditEventFilter.everything().forTeam(new TeamId("other-team")), head));
        head = headSequence();
        assertThat(allPages("", AUDITOR_TOKEN, 500)).containsExactlyElementsOf(expectedUpTo(AuditEventFilter.everything(), head));
        assertProblem(SETUP.platform().send("GET", "/api/v1/audit/events/?team=demo", OTHER_TOKEN, null), 403, "FORBIDDEN_FOR_ROLE");
        assertProblem(SETUP.platform().send("GET", "/api/v1/audit/verify/", DEMO_TOKEN, null), 403, "FORBIDDEN_FOR_ROLE");
        assertProblem(SETUP.platform().send("GET", "/api/v1/snapshots/", AUDITOR_TOKEN, null), 403, "FORBIDDEN_FOR_ROLE");
        assertProblem(SETUP.platform().send("POST", "/api/v1/backups/", AUDITOR_TOKEN, "{\"server_id\": 12345}"), 403,
                "FORBIDDEN_FOR_ROLE");
        assertProblem(SETUP.platform().send("POST", "/api/v1/audit/events/", AUDITOR_TOKEN, "{}"), 405, "METHOD_NOT_ALLOWED");
        assertThat(SETUP.simulator().requests()).isEmpty();

        Answer demoServers = SETUP.platform().send("GET", "/api/v1/audit/recoverability/", DEMO_TOKEN, null);
        assertThat((List<Map<String, Object>>) demoServers.get("servers")).extracting(s -> s.get("server_id"))
                .containsExactly(12345);
        Answer demoSummary = SETUP.platform().send("GET", "/api/v1/audit/summary/", DEMO_TOKEN, null);
        assertThat((List<Map<String, Object>>) demoSummary.get("counts")).isNotEmpty()
                .extracting(c -> c.get("team")).containsOnly("demo");
    }

    @Test
    @SuppressWarnings("unchecked")
    void verifySummaryAndRecoverabilityOverTheRealDatabaseAndProvider() {
        // A create counts for recoverability once VPS.org shows it completed (about 5 s in the simulator)
        // and the tracker has seen it: make one on the reset simulator, and look until then.
        Answer madeNow = SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"counted\"}", Map.of("X-Request-Id", "recoverability-create"));
        TrackOperationsService tracker = SETUP.platform().context.getBean(TrackOperationsService.class);
        org.awaitility.Awaitility.await("the tracker sees a snapshot completed").atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(500))
                .until(() -> {
                    tracker.tick();
                    return SETUP.platform().auditOf("recoverability-create").stream()
                            .anyMatch(e -> e.event().outcome().kind() == Outcome.Kind.COMPLETED);
                });
        Answer verify = SETUP.platform().send("GET", "/api/v1/audit/verify/", AUDITOR_TOKEN, null);
        assertThat(verify.body()).containsEntry("intact", true);
        // The verify's own AUDIT_READ event is appended after its walk (ADR 0034).
        assertThat(((Number) verify.get("events_checked")).longValue()).isEqualTo(wholeHistory().size() - 1);

        Answer summary = SETUP.platform().send("GET", "/api/v1/audit/summary/?bucket=month", AUDITOR_TOKEN, null);
        assertThat(summary.status()).isEqualTo(200);
        long counted = ((List<Map<String, Object>>) summary.get("counts")).stream()
                .mapToLong(c -> ((Number) c.get("events")).longValue()).sum();
        assertThat(counted).isEqualTo(wholeHistory().size() - 1); // and the summary's after its count
        assertThat((List<Map<String, Object>>) summary.get("top_rejection_reasons")).isNotEmpty();

        Answer report = SETUP.platform().send("GET", "/api/v1/audit/recoverability/?expiring_within_days=365", AUDITOR_TOKEN, null);
        assertThat(report.status()).isEqualTo(200);
        List<Map<String, Object>> servers = (List<Map<String, Object>>) report.get("servers");
        assertThat(servers).extracting(s -> s.get("server_id")).containsExactly(12345, 23456);
        Map<String, Object> web = servers.getFirst();
        // The newest completed snapshot is the one just made and followed to completed.
        assertThat((Map<String, Object>) web.get("newest_snapshot")).containsEntry("id", madeNow.get("id"));
        assertThat((Map<String, Object>) web.get("newest_backup")).isNotNull();
        assertThat((List<Object>) web.get("expiring_backups")).isNotEmpty();
        assertThat(web.get("last_completed_create")).isNotNull();
        assertThat(web).containsEntry("has_recovery_point", true);
    }

    @Test
    void theReportsAreInTheOpenApiDocument() {
        var openApi = SETUP.platform().send("GET", "/swagger/vps-recovery-1.yml", null, null).raw();
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.body()).contains("/api/v1/audit/events", "/api/v1/audit/verify", "/api/v1/audit/summary",
                "/api/v1/audit/recoverability", "text/csv", "reason_code", "expiring_within_days");
    }

    private static void assertProblem(Answer answer, int status, String reason) {
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.get("reason_code")).isEqualTo(reason);
    }

    private static String jsonString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** RFC 4180, strictly: the test's own reader, so the export is checked by something that is not its writer. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                assertThat(cell).as("a quote opens a cell").isEmpty();
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                assertThat(c).as("bare line break outside quotes").isNotIn('\r', '\n');
                cell.append(c);
            }
        }
        assertThat(quoted).isFalse();
        assertThat(row).isEmpty();
        return rows;
    }
}
