package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vpsrecovery.adapters.http.facade.FacadeTestWiring.AUDITOR_TOKEN;
import static org.vpsrecovery.adapters.http.facade.FacadeTestWiring.BLUE_TOKEN;

import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;

/**
 * The audit reports over real HTTP on loopback, the real use cases and in-memory fakes behind them:
 * roles checked for every endpoint, input refused with reason codes, the shapes of each report.
 */
@MicronautTest(environments = "test", rebuildContext = true)
class AuditReportsHttpTest {

    private static final List<String> AUDIT_ENDPOINTS = List.of("/api/v1/audit/events/", "/api/v1/audit/verify/",
            "/api/v1/audit/summary/", "/api/v1/audit/recoverability/");

    @Inject
    EmbeddedServer server;
    @Inject
    PlatformFixture platform;
    @Inject
    JsonMapper json;
    @Inject
    SwitchableAuditHistory auditReadHistory;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Answer(int status, String contentType, Map<String, Object> body, HttpResponse<String> raw) {
        Object get(String field) {
            return body.get(field);
        }
    }

    private Answer send(String method, String path, String token, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
                .timeout(Duration.ofSeconds(20)).method(method, method.equals("POST")
                        ? HttpRequest.BodyPublishers.ofString("{\"server_id\": 12345, \"name\": \"x\"}")
                        : HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (method.equals("POST")) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String type = response.headers().firstValue("Content-Type").orElse("");
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = type.contains("json") && !response.body().isEmpty()
                ? json.readValue(response.body(), Map.class) : Map.of();
        return new Answer(response.statusCode(), type, parsed, response);
    }

    private Answer get(String path, String token) throws IOException, InterruptedException {
        return send("GET", path, token, Map.of());
    }

    private static void assertProblem(Answer answer, int status, String reasonCode) {
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.get("reason_code")).isEqualTo(reasonCode);
        assertThat(answer.get("request_id")).isEqualTo(answer.raw().headers().firstValue("X-Request-Id").orElseThrow());
    }

    private void seed() {
        platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        platform.history.append(event(PlatformFixture.BLUE, "blue-1", new Outcome.Submitted(), "web backup"));
        platform.history.append(event(PlatformFixture.BLUE, "blue-2",
                new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED), "sixth"));
        platform.history.append(event(PlatformFixture.GREEN, "green-1", new Outcome.Submitted(), "green's"));
    }

    private AuditEvent event(TeamId team, String request, Outcome outcome, String description) {
        return event(team, request, outcome, description, platform.clock.instant());
    }

    private AuditEvent event(TeamId team, String request, Outcome outcome, String description, Instant at) {
        var server = team.equals(PlatformFixture.BLUE) ? PlatformFixture.WEB : PlatformFixture.GREEN_SERVER;
        return new AuditEvent(at, team, new RequestId(request), Operation.CREATE_SNAPSHOT,
                Optional.of(server), Optional.empty(), outcome, OptionalInt.empty(), Map.of("description", description));
    }

    /** The drift report reads the audit history: each served read is an AUDIT_READ event with its filters, as the other reports'. */
    @Test
    void aDriftReadIsAuditedWithItsFiltersLikeTheOtherReports() throws Exception {
        assertThat(get("/api/v1/audit/drift/?server_id=12345&kind=created_outside", BLUE_TOKEN).status()).isEqualTo(200);
        assertThat(get("/api/v1/audit/drift/", AUDITOR_TOKEN).status()).isEqualTo(200);
        assertProblem(get("/api/v1/audit/drift/?kind=sideways", BLUE_TOKEN), 400, "INVALID_QUERY_PARAMETER");

        List<AuditEvent> reads = platform.history.all().stream().filter(e -> e.operation() == Operation.AUDIT_READ).toList();
        assertThat(reads).as("a refused read is not served, so not recorded").hasSize(2);
        assertThat(reads.get(0).team()).isEqualTo(PlatformFixture.BLUE);
        assertThat(reads.get(0).detail()).containsEntry("read_report", "drift").containsEntry("read_team", "blue")
                .containsEntry("read_filters", "kind=created_outside&server_id=12345");
        assertThat(reads.get(1).team().value()).isEqualTo("auditors");
        assertThat(reads.get(1).detail()).containsEntry("read_report", "drift").doesNotContainKey("read_filters")
                .containsEntry("actor_subject", "compliance");
    }

    @Test
    void everyAuditEndpointNeedsAToken() throws Exception {
        for (String path : AUDIT_ENDPOINTS) {
            assertProblem(get(path, null), 401, "UNAUTHORIZED");
            assertProblem(get(path, "not-a-token"), 401, "UNAUTHORIZED");
        }
    }

    @Test
    void anAuditorReadsEveryAuditEndpointForAllTeams() throws Exception {
        seed();
        for (String path : AUDIT_ENDPOINTS) {
            assertThat(get(path, AUDITOR_TOKEN).status()).as(path).isEqualTo(200);
        }
        Answer events = get("/api/v1/audit/events/", AUDITOR_TOKEN);
        List<Map<String, Object>> results = (List<Map<String, Object>>) events.get("results");
        assertThat(results).filteredOn(e -> !"AUDIT_READ".equals(e.get("operation"))).extracting(e -> e.get("team"))
                .containsExactly("green", "blue", "blue");
        // The auditor's reads just made are audited too, filed under "auditors", naming the auditor (ADR 0034).
        assertThat(results).filteredOn(e -> "AUDIT_READ".equals(e.get("operation"))).hasSize(AUDIT_ENDPOINTS.size())
                .allSatisfy(e -> {
                    assertThat(e.get("team")).isEqualTo("auditors");
                    assertThat((Map<String, Object>) e.get("actor")).containsEntry("subject", "compliance")
                            .containsEntry("authentication", "auditor-token").containsEntry("key_id", null);
                });
        Answer recoverability = get("/api/v1/audit/recoverability/", AUDITOR_TOKEN);
        assertThat((List<Map<String, Object>>) recoverability.get("servers")).extracting(s -> s.get("server_id"))
                .containsExactly(12345, 12346, 23456);
    }

    @Test
    void aTeamReadsItsOwnEventsSummaryAndServersButNotTheWholeChain() throws Exception {
        seed();
        Answer events = get("/api/v1/audit/events/", BLUE_TOKEN);
        assertThat(events.status()).isEqualTo(200);
        assertThat((List<Map<String, Object>>) events.get("results")).extracting(e -> e.get("team"))
                .containsOnly("blue").hasSize(2);
        Answer summary = get("/api/v1/audit/summary/", BLUE_TOKEN);
        assertThat(summary.status()).isEqualTo(200);
        assertThat((List<Map<String, Object>>) summary.get("counts")).extracting(c -> c.get("team")).containsOnly("blue");
        Answer servers = get("/api/v1/audit/recoverability/", BLUE_TOKEN);
        assertThat((List<Map<String, Object>>) servers.get("servers")).extracting(s -> s.get("server_id"))
                .containsExactly(12345, 12346);
        assertProblem(get("/api/v1/audit/verify/", BLUE_TOKEN), 403, "FORBIDDEN_FOR_ROLE");
        assertProblem(get("/api/v1/audit/events/?team=green", BLUE_TOKEN), 403, "FORBIDDEN_FOR_ROLE");
        assertProblem(get("/api/v1/audit/summary/?team=green", BLUE_TOKEN), 403, "FORBIDDEN_FOR_ROLE");
        assertThat(get("/api/v1/audit/events/?team=blue", BLUE_TOKEN).status()).isEqualTo(200);
        // another team's server is simply outside what a team sees
        assertThat(get("/api/v1/audit/events/?server_id=23456", BLUE_TOKEN).get("count")).isEqualTo(0);
    }

    @Test
    void anAuditorCannotCallTheRecoveryApi() throws Exception {
        platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        List<String[]> recoveryCalls = List.of(
                new String[] {"GET", "/api/v1/snapshots/"}, new String[] {"POST", "/api/v1/snapshots/"},
                new String[] {"GET", "/api/v1/snapshots/801/"}, new String[] {"DELETE", "/api/v1/snapshots/801/"},
                new String[] {"POST", "/api/v1/snapshots/801/restore/"}, new String[] {"GET", "/api/v1/backups/"},
                new String[] {"POST", "/api/v1/backups/"}, new String[] {"GET", "/api/v1/backups/501/"},
                new String[] {"DELETE", "/api/v1/backups/501/"}, new String[] {"POST", "/api/v1/servers/12345/restore/"});
        for (String[] call : recoveryCalls) {
            assertProblem(send(call[0], call[1], AUDITOR_TOKEN, Map.of()), 403, "FORBIDDEN_FOR_ROLE");
        }
        assertThat(platform.provider.calls()).isEmpty();
        assertThat(platform.history.all()).isEmpty();
    }

    /**
     * The router answers every route with and without its trailing slash, and the OpenAPI document publishes them
     * without (ADR 0006): an auditor's role check takes both forms, refusing the same routes either way.
     */
    @Test
    void anAuditorsRoutesAnswerTheSameWithoutTheirTrailingSlash() throws Exception {
        platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        for (String path : List.of("/api/v1/snapshots/801/holds/", "/api/v1/snapshots/801/holds",
                "/api/v1/audit/events/", "/api/v1/audit/events")) {
            assertThat(get(path, AUDITOR_TOKEN).status()).as(path).isEqualTo(200);
        }
        String unknownHold = "/api/v1/snapshots/801/holds/0190c3a2-0000-7000-8000-000000000000";
        for (String path : List.of(unknownHold + "/", unknownHold)) {
            assertProblem(send("DELETE", path, AUDITOR_TOKEN, Map.of()), 404, "HOLD_NOT_FOUND");
        }
        for (String path : List.of("/api/v1/snapshots/801/", "/api/v1/snapshots/801", "/api/v1/snapshots",
                "/api/v1/servers/12345", unknownHold + "/extra")) {
            assertProblem(get(path, AUDITOR_TOKEN), 403, "FORBIDDEN_FOR_ROLE");
        }
    }

    @Test
    void noRoleWritesAuditData() throws Exception {
        for (String token : List.of(BLUE_TOKEN, AUDITOR_TOKEN)) {
            for (String path : AUDIT_ENDPOINTS) {
                for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
                    assertProblem(send(method, path, token, Map.of()), 405, "METHOD_NOT_ALLOWED");
                }
            }
        }
        assertThat(platform.history.all()).isEmpty();
    }

    @Test
    void badFiltersAreRefusedWithTheirReasonCodes() throws Exception {
        String events = "/api/v1/audit/events/";
        assertProblem(get(events + "?serverid=12345", AUDITOR_TOKEN), 400, "UNKNOWN_QUERY_PARAMETER");
        assertProblem(get(events + "?team=blue&team=green", AUDITOR_TOKEN), 400, "INVALID_QUERY_PARAMETER");
        assertProblem(get(events + "?limit=0", AUDITOR_TOKEN), 400, "PAGE_SIZE_OUT_OF_RANGE");
        assertProblem(get(events + "?limit=501", AUDITOR_TOKEN), 400, "PAGE_SIZE_OUT_OF_RANGE");
        assertProblem(get(events + "?limit=ten", AUDITOR_TOKEN), 400, "PAGE_SIZE_OUT_OF_RANGE");
        assertProblem(get(events + "?from=yesterday", AUDITOR_TOKEN), 400, "INVALID_TIME_RANGE");
        assertProblem(get(events + "?from=2026-01-15T00:00:00%2B02:00", AUDITOR_TOKEN), 400, "INVALID_TIME_RANGE");
        assertProblem(get(events + "?from=2026-01-15T00:00:00Z&to=2026-01-15T00:00:00Z", AUDITOR_TOKEN), 400,
                "INVALID_TIME_RANGE");
        assertProblem(get(events + "?operation=reboot", AUDITOR_TOKEN), 400, "INVALID_QUERY_PARAMETER");
        assertProblem(get(events + "?outcome=maybe", AUDITOR_TOKEN), 400, "INVALID_QUERY_PARAMETER");
        assertProblem(get(events + "?reason_code=NOPE", AUDITOR_TOKEN), 400, "INVALID_QUERY_PARAMETER");
        assertProblem(get(events + "?server_id=-1", AUDITOR_TOKEN), 400, "INVALID_QUERY_PARAMETER");
        assertProblem(get(events + "?team=Not_A_Team", AUDITOR_TOKEN), 400, "INVALID_QUERY_PARAMETER");
        assertProblem(get(events + "?actor=%00", AUDITOR_TOKEN), 400, "INVALID_QUERY_PARAMETER");
        assertProblem(get(events + "?actor=alice%0Aevil", AUDITOR_TOKEN), 400, "INVALID_QUERY_PARAMETER");
        assertProblem(get(events + "?actor=" + "a".repeat(201), AUDITOR_TOKEN), 400, "INVALID_QUERY_PARAMETER");
        assertProblem(get(events + "?cursor=bm9wZQ", AUDITOR_TOKEN), 400, "INVALID_CURSOR");
        assertProblem(get(events + "?cursor=%25%25", AUDITOR_TOKEN), 400, "INVALID_CURSOR");
        assertProblem(get("/api/v1/audit/summary/?bucket=week", AUDITOR_TOKEN), 400, "INVALID_QUERY_PARAMETER");
        assertProblem(get("/api/v1/audit/summary/?from=2020-01-01T00:00:00Z&to=2030-12-01T00:00:00Z", AUDITOR_TOKEN),
                400, "INVALID_TIME_RANGE");
        assertProblem(get("/api/v1/audit/summary/?top=0", AUDITOR_TOKEN), 400, "INVALID_QUERY_PARAMETER");
        assertProblem(get("/api/v1/audit/recoverability/?expiring_within_days=366", AUDITOR_TOKEN), 400,
                "INVALID_QUERY_PARAMETER");
        assertProblem(get("/api/v1/audit/verify/?deep=true", AUDITOR_TOKEN), 400, "UNKNOWN_QUERY_PARAMETER");
        assertProblem(get("/api/v1/audit/verify/?from=yesterday", AUDITOR_TOKEN), 400, "INVALID_QUERY_PARAMETER");
        Answer echoed = get(events + "?%3Cscript%3E=1", AUDITOR_TOKEN);
        assertProblem(echoed, 400, "UNKNOWN_QUERY_PARAMETER");
        assertThat(echoed.raw().body()).doesNotContain("<script>");
    }

    /** A year the database's day bounds cannot take is the caller's 400, on pages and the export (session 38). */
    @Test
    void aTimeOutsideTheAcceptedYearsIsRefusedOnPagesAndTheExport() throws Exception {
        String events = "/api/v1/audit/events/";
        for (String range : List.of("?from=-9999-01-01T00:00:00Z", "?to=-9999-01-01T00:00:00Z",
                "?from=1969-12-31T23:59:59Z", "?to=%2B10000-01-01T00:00:00Z", "?from=%2B10000-01-01T00:00:00Z")) {
            assertProblem(get(events + range, AUDITOR_TOKEN), 400, "INVALID_TIME_RANGE");
            assertProblem(send("GET", events + range, AUDITOR_TOKEN, Map.of("Accept", "text/csv")), 400,
                    "INVALID_TIME_RANGE");
        }
        Answer widest = get(events + "?from=1970-01-01T00:00:00Z&to=9999-12-31T23:59:59Z", AUDITOR_TOKEN);
        assertThat(widest.status()).as(widest.raw().body()).isEqualTo(200);
    }

    /**
     * A database busy or away when a report's read is recorded (the pool's wait over, a failover): 503 with
     * Retry-After, which a load balancer retries elsewhere, never a 500 (session 38). The failure stands in for the
     * persistence adapter's DatabaseFailure, an unchecked failure of no domain type.
     */
    @Test
    void aReadTheHistoryCannotRecordIsAnswered503WithRetryAfter() throws Exception {
        seed();
        auditReadHistory.appendFails = new IllegalStateException("could not append the audit event: connection refused");
        try {
            for (String report : List.of("/api/v1/audit/events/", "/api/v1/audit/summary/",
                    "/api/v1/audit/recoverability/", "/api/v1/audit/verify/")) {
                Answer unavailable = get(report, AUDITOR_TOKEN);
                assertProblem(unavailable, 503, "PLATFORM_UNAVAILABLE");
                assertThat(unavailable.raw().headers().firstValue("Retry-After")).as(report).contains("2");
                assertThat(unavailable.raw().body()).doesNotContain("connection refused", "Exception");
            }
            Answer export = send("GET", "/api/v1/audit/events/", AUDITOR_TOKEN, Map.of("Accept", "text/csv"));
            assertProblem(export, 503, "PLATFORM_UNAVAILABLE");
        } finally {
            auditReadHistory.appendFails = null;
        }
        assertThat(get("/api/v1/audit/events/", AUDITOR_TOKEN).status()).isEqualTo(200);
    }

    @Test
    void pagesCarryAnOpaqueCursorToTheNextPage() throws Exception {
        for (int i = 0; i < 5; i++) {
            platform.history.append(event(PlatformFixture.BLUE, "page-" + i, new Outcome.Completed(), "n" + i));
        }
        Answer first = get("/api/v1/audit/events/?limit=2", BLUE_TOKEN);
        assertThat(first.get("count")).isEqualTo(2);
        assertThat((String) first.get("next")).isNotBlank().doesNotContain("4");
        Answer second = get("/api/v1/audit/events/?limit=2&cursor=" + first.get("next"), BLUE_TOKEN);
        Answer third = get("/api/v1/audit/events/?limit=2&cursor=" + second.get("next"), BLUE_TOKEN);
        assertThat(third.get("count")).isEqualTo(1);
        assertThat(third.body()).containsEntry("next", null);
        List<Object> sequences = new java.util.ArrayList<>();
        for (Answer page : List.of(first, second, third)) {
            ((List<Map<String, Object>>) page.get("results")).forEach(e -> sequences.add(e.get("sequence")));
        }
        assertThat(sequences).containsExactly(5, 4, 3, 2, 1);
    }

    /**
     * A row a later release wrote under a name this release does not know, its hash holding (after a rollback): the page
     * and the CSV export show it among the others, its stored name as text, marked as written by a later release;
     * before session 49 both answered 409 AUDIT_EVENT_ALTERED (ADR 0005).
     */
    @Test
    void aRowOfALaterReleaseIsShownAsSuchByThePageAndTheExport() throws Exception {
        seed();
        platform.history.tamperLaterRelease(2, "the operation A_LATER_OPERATION");

        Answer page = get("/api/v1/audit/events/", AUDITOR_TOKEN);
        assertThat(page.status()).as(page.raw().body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) page.get("results");
        assertThat(results).extracting(r -> r.get("sequence")).containsExactly(3, 2, 1);
        Map<String, Object> later = results.get(1);
        assertThat(later).containsEntry("operation", "A_LATER_OPERATION").containsEntry("team", "blue")
                .containsEntry("request_id", "blue-2").containsEntry("outcome", "REJECTED")
                .containsEntry("written_by_a_later_release", "the operation A_LATER_OPERATION");
        assertThat(later.get("occurred_at")).isNotNull();
        assertThat(later.get("server_id")).isNotNull();
        assertThat(results.get(0)).doesNotContainKey("written_by_a_later_release");

        Answer csv = send("GET", "/api/v1/audit/events/", AUDITOR_TOKEN, Map.of("Accept", "text/csv"));
        assertThat(csv.status()).as(csv.raw().body()).isEqualTo(200);
        List<String> lines = csv.raw().body().lines().toList();
        // The header, the page's read (4), then 3, 2, 1.
        assertThat(lines).hasSize(5);
        assertThat(lines.get(3)).startsWith("2,").contains(",blue,blue-2,A_LATER_OPERATION,")
                .endsWith(",the operation A_LATER_OPERATION");
        assertThat(lines.get(2)).startsWith("3,").endsWith(",");
        assertThat(platform.auditReports.openStreams()).isZero();
    }

    /**
     * A later release's row shows every part stored, as stored: its resource, cause, provider status, detail and actor
     * (review of session 50: they came out empty, though stored and hash-verified), still marked as such (ADR 0005).
     */
    @Test
    void aRowOfALaterReleaseShowsEveryPartAsStored() throws Exception {
        Map<String, String> detail = new java.util.HashMap<>(Map.of("name", "nightly", "attempt_id", "a-9"));
        new org.vpsrecovery.domain.audit.Actor("alice@example.com",
                org.vpsrecovery.domain.audit.Actor.Authentication.SERVICE_TOKEN, Optional.of("key-7")).into(detail);
        platform.history.append(new AuditEvent(platform.clock.instant(), PlatformFixture.BLUE, new RequestId("later-1"),
                Operation.CREATE_SNAPSHOT, Optional.of(PlatformFixture.WEB),
                Optional.of(new org.vpsrecovery.domain.audit.ResourceRef(
                        org.vpsrecovery.domain.audit.ResourceRef.Type.SNAPSHOT, 801)),
                new Outcome.Failed(ReasonCode.PROVIDER_REJECTED, "VPS.org answered 400"), OptionalInt.of(400), detail));
        platform.history.tamperLaterRelease(1, "the reason A_LATER_REASON");

        Map<String, Object> later = ((List<Map<String, Object>>) get("/api/v1/audit/events/", AUDITOR_TOKEN)
                .get("results")).stream().filter(r -> r.get("sequence").equals(1)).findFirst().orElseThrow();
        assertThat(later).containsEntry("reason_code", "A_LATER_REASON").containsEntry("outcome", "FAILED")
                .containsEntry("resource", Map.of("type", "SNAPSHOT", "id", 801))
                .containsEntry("cause", "VPS.org answered 400").containsEntry("provider_status", 400)
                .containsEntry("actor", Map.of("subject", "alice@example.com", "authentication", "service-token",
                        "key_id", "key-7"))
                .containsEntry("written_by_a_later_release", "the reason A_LATER_REASON");
        assertThat((Map<String, Object>) later.get("detail")).containsEntry("name", "nightly")
                .containsEntry("attempt_id", "a-9");

        Answer csv = send("GET", "/api/v1/audit/events/", AUDITOR_TOKEN, Map.of("Accept", "text/csv"));
        String row = csv.raw().body().lines().filter(line -> line.startsWith("1,")).findFirst().orElseThrow();
        assertThat(row).contains(",CREATE_SNAPSHOT,12345,SNAPSHOT,801,FAILED,A_LATER_REASON,VPS.org answered 400,400,"
                        + "nightly,,")
                .contains("alice@example.com,service-token,key-7,the reason A_LATER_REASON");
    }

    @Test
    void csvIsServedWhenAskedForWithHostileTextDefused() throws Exception {
        platform.history.append(event(PlatformFixture.BLUE, "csv-1", new Outcome.Completed(),
                "=HYPERLINK(\"http://evil\",\"click\"), then\nmore"));
        Answer csv = send("GET", "/api/v1/audit/events/", AUDITOR_TOKEN, Map.of("Accept", "text/csv"));

        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.raw().headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).contains("attachment"));
        String[] lines = csv.raw().body().split("\r\n", 2);
        assertThat(lines[0]).isEqualTo(String.join(",", AuditCsv.HEADER));
        assertThat(lines[1]).contains(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"click\"\"), then\nmore\",");
        assertProblem(send("GET", "/api/v1/audit/events/?limit=5", AUDITOR_TOKEN, Map.of("Accept", "text/csv")), 400,
                "INVALID_QUERY_PARAMETER");
        assertThat(platform.auditReports.openStreams()).isZero();
    }

    /**
     * The events route offers JSON and CSV and answers the one Accept prefers (RFC 9110 12.5.1): the higher q, JSON when
     * either is equally welcome by one range, else the one asked for first; a q of 0 excludes a type, and 406 when both
     * are excluded. {@code text/*} was 406 and {@code text/csv;q=0} an export (session 42). The summary offers JSON
     * alone.
     */
    @Test
    void theEventsRouteAnswersTheTypeAcceptPrefersAndNotAcceptableWhenNeither() throws Exception {
        seed();
        Map<String, String> preferred = new java.util.LinkedHashMap<>();
        preferred.put("text/*", "text/csv");
        preferred.put("text/csv;q=0, application/json", "application/json");
        preferred.put("application/json;q=0, */*", "text/csv");
        preferred.put("application/*;q=0.4, text/csv;q=0.5", "text/csv");
        preferred.put("text/csv;q=0.5, */*", "application/json");
        preferred.put("*/*", "application/json");
        preferred.put("text/csv, application/json", "text/csv");
        preferred.put("application/json, text/csv", "application/json");
        for (var accept : preferred.entrySet()) {
            Answer answer = send("GET", "/api/v1/audit/events/", AUDITOR_TOKEN, Map.of("Accept", accept.getKey()));
            assertThat(answer.status()).as(accept.getKey() + ": " + answer.raw().body()).isEqualTo(200);
            assertThat(answer.contentType()).as(accept.getKey()).startsWith(accept.getValue());
        }
        for (String accept : List.of("text/csv;q=0", "application/json;q=0, text/csv;q=0, */*", "text/html",
                "application/*;q=0, text/csv;q=0")) {
            assertProblem(send("GET", "/api/v1/audit/events/", AUDITOR_TOKEN, Map.of("Accept", accept)), 406, "NOT_ACCEPTABLE");
        }
        assertThat(send("GET", "/api/v1/audit/summary/", AUDITOR_TOKEN, Map.of("Accept", "application/*")).status())
                .isEqualTo(200);
        assertProblem(send("GET", "/api/v1/audit/summary/", AUDITOR_TOKEN, Map.of("Accept", "text/*")), 406, "NOT_ACCEPTABLE");
        await().atMost(Duration.ofSeconds(10)).until(() -> platform.auditReports.openStreams() == 0);
    }

    /**
     * Micronaut answers a HEAD on every GET route, and never reads the body it makes: a streamed export's cursor and
     * audit-read slot stayed taken until restart, so four HEADs shut every export, summary and recoverability report
     * out (session 42). A HEAD's body is closed unsent; its headers are the GET's.
     */
    @Test
    void aHeadOnTheExportGivesItsCursorAndSlotBack() throws Exception {
        seed();
        for (int i = 0; i < 6; i++) {
            Answer head = send("HEAD", "/api/v1/audit/events/", AUDITOR_TOKEN, Map.of("Accept", "text/csv"));
            assertThat(head.status()).as("HEAD %d", i).isEqualTo(200);
            assertThat(head.contentType()).startsWith("text/csv");
            assertThat(head.raw().headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).contains("attachment"));
            assertThat(head.raw().body()).isEmpty();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> platform.auditReports.openStreams() == 0
                && platform.auditReadSlots.available() == 4);
        Answer export = send("GET", "/api/v1/audit/events/", AUDITOR_TOKEN, Map.of("Accept", "text/csv"));
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.raw().body()).startsWith(String.join(",", AuditCsv.HEADER));
        Answer summary = send("HEAD", "/api/v1/audit/summary/", AUDITOR_TOKEN, Map.of());
        assertThat(summary.status()).isEqualTo(200);
        assertThat(summary.contentType()).startsWith("application/json");
        await().atMost(Duration.ofSeconds(10)).until(() -> platform.auditReports.openStreams() == 0
                && platform.auditReadSlots.available() == 4);
    }

    @Test
    void anExportIsPulledAsTheClientReadsAndALeavingClientReleasesTheCursor() throws Exception {
        for (int i = 0; i < 100_000; i++) {
            platform.history.append(event(PlatformFixture.BLUE, "bulk-" + i, new Outcome.Completed(), "row " + i));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + "/api/v1/audit/events/"))
                .header("Authorization", "Bearer " + AUDITOR_TOKEN).header("Accept", "text/csv").build();
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream body = response.body()) {
            assertThat(body.readNBytes(1000)).hasSize(1000);
            // ~15 MB of CSV, far more than loopback and the client buffer: with a first part read and much more to
            // come, the cursor is open and the slot taken (ADR 0062). Had the server read it all into memory before
            // answering, the cursor would have closed before the first byte came.
            assertThat(platform.auditReports.openStreams()).as("cursors open while the export is read").isEqualTo(1);
            assertThat(platform.auditReadSlots.available()).as("slots free while the export is read").isEqualTo(3);
        }
        // The client left: both given back.
        await().atMost(Duration.ofSeconds(10)).until(() -> platform.auditReports.openStreams() == 0);
        await().atMost(Duration.ofSeconds(2)).until(() -> platform.auditReadSlots.available() == 4);
    }

    @Test
    void verifyTellsIntactFromBroken() throws Exception {
        seed();
        Answer intact = get("/api/v1/audit/verify/", AUDITOR_TOKEN);
        assertThat(intact.body()).containsEntry("intact", true).containsEntry("events_checked", 3);
        assertThat((String) intact.get("head_hash")).hasSize(64);

        platform.history.tamperReplace(2, event(PlatformFixture.BLUE, "blue-2", new Outcome.Completed(), "sixth"));
        Answer broken = get("/api/v1/audit/verify/", AUDITOR_TOKEN);
        assertThat(broken.status()).isEqualTo(200);
        assertThat(broken.body()).containsEntry("intact", false).containsEntry("first_broken_sequence", 2)
                .containsEntry("fault", "ALTERED_EVENT").containsKey("explanation");
    }

    @Test
    void verifyNamesTheLatestCheckpointAndTheTruncationTheWalkAloneMisses() throws Exception {
        seed();
        ChainCheckpoint checkpoint = platform.recordChainCheckpoint().recordIfMoved().recorded().orElseThrow();
        Answer intact = get("/api/v1/audit/verify/", AUDITOR_TOKEN);
        assertThat(intact.body()).containsEntry("intact", true).containsEntry("checkpoints_checked", 1)
                .containsEntry("latest_checkpoint", Map.of("sequence", 3, "hash", checkpoint.hash().hex(),
                        "taken_at", checkpoint.takenAt().toString(), "key_id", checkpoint.keyId()));

        // The walk after the checkpoint reads one event: the audit read of the verification above.
        Answer since = get("/api/v1/audit/verify/?from=latest-checkpoint", AUDITOR_TOKEN);
        assertThat(since.body()).containsEntry("intact", true).containsEntry("events_checked", 1)
                .containsEntry("walked_after", 3).containsEntry("checkpoints_checked", 1);
        assertThat(get("/api/v1/audit/verify/?from=first", AUDITOR_TOKEN).body()).containsEntry("events_checked", 5)
                .doesNotContainKey("walked_after");

        platform.history.tamperTruncate(3);
        Answer truncated = get("/api/v1/audit/verify/", AUDITOR_TOKEN);
        assertThat(truncated.status()).isEqualTo(200);
        assertThat(truncated.body()).containsEntry("intact", false).containsEntry("first_broken_sequence", 3)
                .containsEntry("fault", "TRUNCATED").containsEntry("checkpoints_checked", 1)
                .doesNotContainKey("latest_checkpoint");
        assertThat((String) truncated.get("explanation")).contains("is no longer stored");
    }

    @Test
    void summaryCountsRejectionsAndProviderFailureRate() throws Exception {
        seed();
        Answer summary = get("/api/v1/audit/summary/?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&bucket=month"
                + "&per_team=true", AUDITOR_TOKEN);
        assertThat(summary.status()).isEqualTo(200);
        assertThat(summary.body()).containsEntry("bucket", "month").containsEntry("team", null);
        assertThat((List<Map<String, Object>>) summary.get("counts")).contains(Map.of("bucket_start",
                "2026-11-01T00:00:00Z", "team", "blue", "operation", "CREATE_SNAPSHOT", "outcome", "REJECTED", "events", 1));
        assertThat((List<Map<String, Object>>) summary.get("top_rejection_reasons"))
                .containsExactly(Map.of("reason_code", "SNAPSHOT_LIMIT_REACHED", "events", 1));
        assertThat((Map<String, Object>) summary.get("provider_calls")).containsEntry("total", 2)
                .containsEntry("failed", 0);
    }

    /** ADR 0064: the summary is written as a stream, in the documented shape (SummaryJson's, as Serde writes it). */
    @Test
    void aSummaryIsStreamedInTheShapeOfItsDocumentedSchema() throws Exception {
        seed();
        for (int day = 1; day < 20; day++) {
            Instant at = Instant.parse("2026-11-01T10:00:00Z").plus(Duration.ofDays(day));
            platform.history.append(event(day % 2 == 0 ? PlatformFixture.BLUE : PlatformFixture.GREEN, "day-" + day,
                    day % 3 == 0 ? new Outcome.Failed(ReasonCode.PROVIDER_REJECTED, "VPS.org refused it")
                            : new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED), "day " + day, at));
        }
        for (boolean perTeam : new boolean[] {true, false}) {
            SummaryQuery query = new SummaryQuery(Optional.empty(), Instant.parse("2026-11-01T00:00:00Z"),
                    Instant.parse("2026-11-08T00:00:00Z"), SummaryBucket.DAY, 10, perTeam);
            Map<?, ?> expected = json.readValue(json.writeValueAsString(schemaShape(platform.auditReports.summarize(query))),
                    Map.class);

            Answer small = get("/api/v1/audit/summary/?from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z"
                    + (perTeam ? "&per_team=true" : ""), AUDITOR_TOKEN);

            assertThat(small.status()).isEqualTo(200);
            assertThat(small.contentType()).startsWith("application/json");
            // ADR 0078: a small answer is made whole and sent as one body (the large one streams, below).
            assertThat(small.raw().headers().firstValue("Content-Length")).isPresent();
            assertThat(small.body()).isEqualTo(expected).containsEntry("per_team", perTeam);
            assertThat((List<?>) small.get("counts")).isNotEmpty();
            assertThat((Map<String, Object>) small.get("provider_calls")).containsEntry("failed", 2); // days 3 and 6
            assertThat(platform.auditReadSlots.available()).isEqualTo(4);
            assertThat(platform.history.all().getLast().operation()).isEqualTo(Operation.AUDIT_READ);
        }
    }

    /**
     * ADR 0078: without a team the counts are summed over the teams (team null), the same events as each team's
     * counts; each team's by day over more than a month is refused with a reason, never cut short.
     */
    @Test
    void everyTeamsSummaryIsSummedOverTheTeamsUnlessAskedPerTeam() throws Exception {
        for (TeamId team : List.of(PlatformFixture.BLUE, PlatformFixture.GREEN, PlatformFixture.BLUE)) {
            platform.history.append(event(team, "sum-" + team.value() + "-" + platform.history.all().size(),
                    new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED), "limit",
                    Instant.parse("2026-11-03T10:00:00Z")));
        }
        String period = "from=2026-11-01T00:00:00Z&to=2026-11-08T00:00:00Z";
        Answer summed = get("/api/v1/audit/summary/?" + period, AUDITOR_TOKEN);
        assertThat(summed.body()).containsEntry("per_team", false).containsEntry("team", null);
        java.util.HashMap<String, Object> sum = new java.util.HashMap<>();
        sum.put("bucket_start", "2026-11-03T00:00:00Z");
        sum.put("team", null);
        sum.put("operation", "CREATE_SNAPSHOT");
        sum.put("outcome", "REJECTED");
        sum.put("events", 3);
        assertThat((List<Map<String, Object>>) summed.get("counts")).containsExactly(sum);

        Answer each = get("/api/v1/audit/summary/?" + period + "&per_team=true", AUDITOR_TOKEN);
        assertThat((List<Map<String, Object>>) each.get("counts")).containsExactly(
                Map.of("bucket_start", "2026-11-03T00:00:00Z", "team", "blue", "operation", "CREATE_SNAPSHOT",
                        "outcome", "REJECTED", "events", 2),
                Map.of("bucket_start", "2026-11-03T00:00:00Z", "team", "green", "operation", "CREATE_SNAPSHOT",
                        "outcome", "REJECTED", "events", 1));
        assertThat(each.body().get("top_rejection_reasons")).isEqualTo(summed.body().get("top_rejection_reasons"));

        // A team's own summary is that team's, whatever per_team says.
        assertThat((List<Map<String, Object>>) get("/api/v1/audit/summary/?" + period + "&team=green", AUDITOR_TOKEN)
                .get("counts")).extracting(c -> c.get("team")).containsExactly("green");

        assertProblem(get("/api/v1/audit/summary/?from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:01Z&per_team=true",
                AUDITOR_TOKEN), 400, "SUMMARY_TOO_LARGE");
        assertProblem(get("/api/v1/audit/summary/?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:01Z&per_team=true"
                + "&bucket=month", AUDITOR_TOKEN), 400, "SUMMARY_TOO_LARGE");
        assertThat(get("/api/v1/audit/summary/?from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z&per_team=true"
                + "&bucket=month", AUDITOR_TOKEN).status()).isEqualTo(200); // a leap year: 366 days (ADR 0138)
        assertThat(get("/api/v1/audit/summary/?from=2016-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", AUDITOR_TOKEN)
                .status()).isEqualTo(200); // summed: any period
        assertThat(get("/api/v1/audit/summary/?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&per_team=true"
                + "&team=blue", AUDITOR_TOKEN).status()).isEqualTo(200); // one team: any period
        // A team's token reads its own team only: per_team over any period is that one team's, never too large.
        Answer own = get("/api/v1/audit/summary/?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&per_team=true",
                BLUE_TOKEN);
        assertThat(own.status()).as(own.toString()).isEqualTo(200);
        assertThat(own.body()).containsEntry("team", "blue");
        assertProblem(get("/api/v1/audit/summary/?per_team=yes", AUDITOR_TOKEN), 400, "INVALID_QUERY_PARAMETER");
    }

    /** The header lines after the status line, lower-cased, up to the blank line. */
    private static List<String> headers(java.io.DataInputStream in) throws IOException {
        List<String> headers = new java.util.ArrayList<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            headers.add(header.toLowerCase(java.util.Locale.ROOT));
        }
        return headers;
    }

    private static String line(java.io.DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new java.io.EOFException("the answer ended mid-line");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /**
     * ADR 0062 and 0064: a summary holds its slot while its answer is read; a client that leaves gives it back. The
     * client reads through a 64 KB receive buffer and the answer (~9 MB) is larger than what loopback's buffers hold
     * (the server's send buffer grows to 4 MB on the build machine): had the server made the whole
     * answer regardless of its reader, the slot would be back while the client still stalls.
     */
    @Test
    void aSummaryHoldsItsSlotWhileReadAndAClientThatLeavesGivesItBack() throws Exception {
        Instant first = Instant.parse("2016-01-01T12:00:00Z");
        Operation[] operations = {Operation.CREATE_SNAPSHOT, Operation.DELETE_SNAPSHOT, Operation.CREATE_MANUAL_BACKUP,
                Operation.DELETE_BACKUP, Operation.RESTORE_SNAPSHOT, Operation.RESTORE_SERVER_FROM_BACKUP};
        // Four outcomes a day and operation: the answer summed over the teams (the default) is 4 counts each.
        List<Outcome> outcomes = List.of(new Outcome.Completed(), new Outcome.Accepted(),
                new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED), new Outcome.Failed(ReasonCode.PROVIDER_REJECTED,
                        "VPS.org refused it"));
        for (int day = 0; day < 3_592; day++) { // every day of the period asked
            for (Operation operation : operations) {
                for (Outcome outcome : outcomes) {
                    platform.history.append(new AuditEvent(first.plus(Duration.ofDays(day)), PlatformFixture.BLUE,
                            new RequestId("bulk-" + day + "-" + operation + "-" + outcome.kind()), operation,
                            Optional.of(PlatformFixture.WEB), Optional.empty(), outcome, OptionalInt.empty(), Map.of()));
                }
            }
        }
        String path = "/api/v1/audit/summary/?from=2016-01-01T00:00:00Z&to=2025-11-01T00:00:00Z";
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.getPort()));
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + AUDITOR_TOKEN + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            var in = new java.io.DataInputStream(socket.getInputStream());
            assertThat(line(in)).startsWith("HTTP/1.1 200");
            assertThat(headers(in)).contains("transfer-encoding: chunked");
            line(in); // the first chunk's size
            assertThat(new String(in.readNBytes(50), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("{\"from\":\"2016-01-01T00:00:00Z\",\"to\":\"2025-11-01T00");
            // 86,208 counts, ~9 MB, more than loopback's buffers hold: with the first bytes read and most still to
            // come, the answer is still being written, so its slot is still taken. Had the server made the whole answer
            // before writing it, the slot would have been back before the first byte came.
            assertThat(platform.auditReadSlots.available()).as("slots free while the summary is read").isEqualTo(3);
            // 3 MB in, 6 MB still unread: more than loopback holds (this client's 64 KB receive buffer, the server's
            // send buffer at most 4 MB on Linux), so the server cannot be done; had it written regardless of its reader
            // (back-pressure lost), it would be, and the slot back.
            assertThat(in.readNBytes(3_000_000)).hasSize(3_000_000);
            assertThat(platform.auditReadSlots.available()).as("slots free with 6 MB of the summary unread").isEqualTo(3);
        }
        // The client left: the slot is given back.
        await().atMost(Duration.ofSeconds(10)).until(() -> platform.auditReadSlots.available() == 4);

        // A client that reads the whole answer gives the slot back too, and gets every count, in the documented shape.
        Answer whole = get(path, AUDITOR_TOKEN);
        assertThat((List<?>) whole.get("counts")).hasSize(3_592 * operations.length * outcomes.size());
        assertThat(whole.raw().headers().firstValue("Content-Length")).isEmpty(); // chunked, as it is written
        assertThat(whole.body()).isEqualTo(json.readValue(json.writeValueAsString(schemaShape(platform.auditReports
                .summarize(new SummaryQuery(Optional.empty(), Instant.parse("2016-01-01T00:00:00Z"),
                        Instant.parse("2025-11-01T00:00:00Z"), SummaryBucket.DAY, 10, false)))), Map.class));
        assertThat(platform.auditReadSlots.available()).isEqualTo(4);
    }

    /** The summary as the documented schema's records, which Serde writes: what the stream must equal. */
    private static AuditJson.SummaryJson schemaShape(AuditSummary summary) {
        SummaryQuery query = summary.query();
        return new AuditJson.SummaryJson(query.from().toString(), query.to().toString(),
                query.bucket().name().toLowerCase(java.util.Locale.ROOT), query.team().map(TeamId::value).orElse(null),
                query.perTeam(),
                summary.counts().stream().map(c -> new AuditJson.SummaryCountJson(c.bucketStart().toString(),
                        c.team().map(TeamId::value).orElse(null), c.operation().name(), c.outcome().name(), c.events()))
                        .toList(),
                summary.topRejections().stream().map(r -> new AuditJson.ReasonCountJson(r.reason().name(), r.events()))
                        .toList(),
                new AuditJson.ProviderCallsJson(summary.providerCalls(), summary.providerFailures(),
                        Math.round(summary.providerFailureRate() * 10_000) / 10_000.0),
                summary.laterReleaseCounts().stream().map(c -> new AuditJson.SummaryCountJson(c.bucketStart().toString(),
                        c.team().map(TeamId::value).orElse(null), c.operation(), c.outcome(), c.events())).toList());
    }

    @Test
    void recoverabilityShowsNewestPointsAgesAndServersWithoutOne() throws Exception {
        platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        platform.clock.advance(Duration.ofHours(2));
        Answer report = get("/api/v1/audit/recoverability/?expiring_within_days=3", AUDITOR_TOKEN);
        assertThat(report.body()).containsEntry("expiring_within_days", 3)
                .containsEntry("servers_without_recovery_point", List.of(12346, 23456));
        Map<String, Object> web = ((List<Map<String, Object>>) report.get("servers")).getFirst();
        assertThat((Map<String, Object>) web.get("newest_snapshot")).containsEntry("id", 801)
                .containsEntry("age_seconds", 7200);
        assertThat(web).containsEntry("newest_backup", null).containsEntry("has_recovery_point", true);
    }

    /**
     * The review's case (session 50): a restore recorded COMPLETED, then 30 days later three whose windows ended
     * UNVERIFIABLE. last_completed_restore names the old one; last_restore_requested the newest, and how it ended.
     */
    @Test
    void recoverabilityNamesTheNewestRestoreRequestedBesideTheLastCompletedOne() throws Exception {
        platform.provider.addSnapshot(801, platform.web, CreationStatus.COMPLETED);
        Instant old = platform.clock.instant();
        restore("a-1", old, new Outcome.Accepted());
        restore("a-1", old.plusSeconds(900), new Outcome.Completed());
        Instant newest = old;
        for (int i = 2; i <= 4; i++) {
            newest = old.plus(Duration.ofDays(30)).plusSeconds(3600L * i);
            restore("a-" + i, newest, new Outcome.Accepted());
            restore("a-" + i, newest.plusSeconds(1), new Outcome.Submitted());
            restore("a-" + i, newest.plusSeconds(900),
                    new Outcome.Unverifiable(ReasonCode.OUTCOME_UNKNOWN, "the restore window ended"));
        }
        platform.clock.advance(Duration.ofDays(31));

        Map<String, Object> web = ((List<Map<String, Object>>) get("/api/v1/audit/recoverability/", AUDITOR_TOKEN)
                .get("servers")).getFirst();

        assertThat(web).containsEntry("last_completed_restore", old.plusSeconds(900).toString())
                .containsEntry("last_restore_requested",
                        Map.of("requested_at", newest.toString(), "ending", "unverifiable"));
    }

    private void restore(String attempt, Instant at, Outcome outcome) {
        platform.history.append(new AuditEvent(at, PlatformFixture.BLUE, new RequestId("r-" + attempt),
                Operation.RESTORE_SNAPSHOT, Optional.of(PlatformFixture.WEB), Optional.empty(), outcome,
                OptionalInt.empty(), Map.of("attempt_id", attempt)));
    }

    /** ADR 0062: past this instance's slots for long reads, 503 AUDIT_READS_BUSY with Retry-After; nothing read or audited. */
    @Test
    void longReadsPastTheSlotsAnswer503WithRetryAfterAndPagesStillAnswer() throws Exception {
        seed();
        var auditor = new org.vpsrecovery.application.audit.AuditReader.Auditor("held");
        List<org.vpsrecovery.domain.port.AuditEventStream> held = new java.util.ArrayList<>();
        while (platform.auditReadSlots.available() > 0) {
            held.add(platform.listAuditEvents().exportAuditEvents(auditor,
                    org.vpsrecovery.domain.audit.AuditEventFilter.everything()));
        }
        long readsBefore = platform.history.all().stream().filter(e -> e.operation() == Operation.AUDIT_READ).count();

        for (String path : List.of("/api/v1/audit/summary/", "/api/v1/audit/verify/", "/api/v1/audit/recoverability/")) {
            Answer busy = get(path, AUDITOR_TOKEN);
            assertProblem(busy, 503, "AUDIT_READS_BUSY");
            assertThat(busy.raw().headers().firstValue("Retry-After")).hasValue("5");
        }
        Answer export = send("GET", "/api/v1/audit/events/", AUDITOR_TOKEN, Map.of("Accept", "text/csv"));
        assertProblem(export, 503, "AUDIT_READS_BUSY");
        assertThat(get("/api/v1/audit/events/", AUDITOR_TOKEN).status()).isEqualTo(200);
        assertThat(platform.history.all().stream().filter(e -> e.operation() == Operation.AUDIT_READ).count())
                .isEqualTo(readsBefore + 1);

        held.forEach(org.vpsrecovery.domain.port.AuditEventStream::close);
        assertThat(get("/api/v1/audit/summary/", AUDITOR_TOKEN).status()).isEqualTo(200);
    }
}
