package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.adapters.http.facade.AuditJson.ChainVerificationJson;
import org.vpsrecovery.adapters.http.facade.AuditJson.EventPageJson;
import org.vpsrecovery.adapters.http.facade.AuditJson.RecoverabilityJson;
import org.vpsrecovery.adapters.http.facade.AuditJson.SummaryJson;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.application.audit.RecordAuditReadUseCase;
import org.vpsrecovery.application.audit.ListAuditEventsUseCase;
import org.vpsrecovery.application.audit.ReportRecoverabilityUseCase;
import org.vpsrecovery.application.audit.SummarizeAuditUseCase;
import org.vpsrecovery.application.audit.VerifyAuditChainUseCase;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;

/**
 * The audit reports, read-only (GET only: no role writes audit data). A team token sees its own
 * team's events, summaries and servers; an auditor token sees every team's. Blocking reads of
 * the database and the provider: never on the event loop.
 */
@Controller("/api/v1/audit")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "audit", description = "Audit reports for auditors (every team) and team tokens (their own team)")
@ProblemResponses.Common
public class AuditController {

    private static final Set<String> EVENT_PARAMETERS = Set.of("team", "server_id", "operation", "outcome",
            "reason_code", "from", "to", "request_id", "actor", "limit", "cursor");
    private static final Set<String> SUMMARY_PARAMETERS = Set.of("team", "from", "to", "bucket", "top", "per_team");
    private static final Set<String> RECOVERABILITY_PARAMETERS = Set.of("expiring_within_days");
    private static final MediaType CSV = MediaType.of(AuditCsv.MEDIA_TYPE + ";charset=utf-8");
    /** What the events route answers with, JSON first: its {@code @Produces}. */
    private static final List<MediaType> EVENT_TYPES = List.of(MediaType.APPLICATION_JSON_TYPE, MediaType.of(AuditCsv.MEDIA_TYPE));

    private final ListAuditEventsUseCase events;
    private final VerifyAuditChainUseCase verify;
    private final SummarizeAuditUseCase summarize;
    private final ReportRecoverabilityUseCase recoverability;
    private final RecordAuditReadUseCase reads;
    private final Clock clock;

    public AuditController(ListAuditEventsUseCase events, VerifyAuditChainUseCase verify,
                           SummarizeAuditUseCase summarize, ReportRecoverabilityUseCase recoverability,
                           RecordAuditReadUseCase reads, Clock clock) {
        this.events = events;
        this.reads = reads;
        this.verify = verify;
        this.summarize = summarize;
        this.recoverability = recoverability;
        this.clock = clock;
    }

    @Get("/events/")
    @Produces({MediaType.APPLICATION_JSON, AuditCsv.MEDIA_TYPE})
    @Operation(summary = "Audit events, newest first",
            description = "Filters combine with AND. JSON pages of `limit` events; pass `next` back as `cursor` for "
                    + "the following page (stable while new events are appended). With `Accept: text/csv` every "
                    + "matching event is streamed as CSV (cursor and limit do not apply); cells that a spreadsheet "
                    + "would run as a formula start with a single quote. An unknown or repeated parameter is a 400.",
            parameters = {
                    @Parameter(name = "team", in = ParameterIn.QUERY, description = "team id; a team token may name only its own",
                            schema = @Schema(type = "string", pattern = OpenApiPatterns.TEAM, maxLength = 63)),
                    @Parameter(name = "server_id", in = ParameterIn.QUERY, schema = @Schema(type = "string",
                            pattern = OpenApiPatterns.ID, maxLength = OpenApiPatterns.ID_MAX_LENGTH)),
                    // The enums the filter parses (AuditReportParameters.eventFilter), so the document lists what is
                    // accepted (in any case) and nothing else.
                    @Parameter(name = "operation", in = ParameterIn.QUERY, description = "an event's `operation`, in any case",
                            schema = @Schema(implementation = org.vpsrecovery.domain.audit.Operation.class)),
                    @Parameter(name = "outcome", in = ParameterIn.QUERY, description = "an event's `outcome`, in any case",
                            schema = @Schema(implementation = Outcome.Kind.class)),
                    @Parameter(name = "reason_code", in = ParameterIn.QUERY, description = "e.g. SNAPSHOT_LIMIT_REACHED",
                            schema = @Schema(type = "string", pattern = OpenApiPatterns.REASON_CODE, maxLength = 64)),
                    @Parameter(name = "from", in = ParameterIn.QUERY, description = "inclusive, e.g. 2026-01-15T00:00:00Z",
                            schema = @Schema(type = "string", format = "date-time", maxLength = OpenApiPatterns.TIME_MAX_LENGTH)),
                    @Parameter(name = "to", in = ParameterIn.QUERY, description = "exclusive",
                            schema = @Schema(type = "string", format = "date-time", maxLength = OpenApiPatterns.TIME_MAX_LENGTH)),
                    @Parameter(name = "request_id", in = ParameterIn.QUERY, schema = @Schema(type = "string",
                            pattern = OpenApiPatterns.REQUEST_ID, maxLength = 128)),
                    @Parameter(name = "actor", in = ParameterIn.QUERY, description = "the actor's subject exactly: a person's "
                            + "identity-provider subject, a service token's team/token-id, an auditor's name, or system",
                            schema = @Schema(type = "string", pattern = "^[\\x20-\\x7e]+$", minLength = 1, maxLength = 200)),
                    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "page size, default 100",
                            schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "500")),
                    @Parameter(name = "cursor", in = ParameterIn.QUERY, description = "the previous page's `next`",
                            schema = @Schema(type = "string", pattern = OpenApiPatterns.CURSOR, maxLength = 64))})
    @ApiResponse(responseCode = "200", description = "a page of events, or the CSV export",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventPageJson.class)),
                    @Content(mediaType = AuditCsv.MEDIA_TYPE, schema = @Schema(type = "string", format = "binary"))},
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.AuditReads
    @ProblemResponses.AuditEvents
    public HttpResponse<?> listEvents(HttpRequest<?> request) {
        AuditReader reader = RequestAttributes.auditReader(request);
        AuditReportParameters parameters = AuditReportParameters.of(request, EVENT_PARAMETERS);
        AuditEventFilter filter = parameters.eventFilter();
        if (wantsCsv(request)) {
            if (parameters.text("cursor").isPresent() || parameters.text("limit").isPresent()) {
                throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, "cursor",
                        "the CSV export holds every matching event: cursor and limit apply to JSON pages only");
            }
            AuditEventStream opened = events.exportAuditEvents(reader, filter);
            AuditEventStream stream;
            try {
                // An altered event in the first batch is a 409, before a 200 is sent (ADR 0005, session 40).
                stream = AuditCsv.readAhead(opened);
                recordRead(request, reader, "export");
            } catch (RuntimeException notServed) {
                opened.close();
                throw notServed;
            }
            return HttpResponse.ok(new AuditCsv(stream)).contentType(CSV)
                    .header("Content-Disposition", "attachment; filename=\"audit-events.csv\"");
        }
        // A page takes one of its reader's page slots, or is refused at once (429 its own, 503 the instance's), and
        // keeps it while its read is recorded: both of its waits for the pool are bounded (ADR 0062, session 56).
        try (var page = events.openAuditEventPage(reader, filter, parameters.cursor(), parameters.limit())) {
            recordRead(request, reader, "events");
            // Typed here: Micronaut would take the first Accept type the route produces (text/csv for
            // `text/csv;q=0.5, */*`, which prefers JSON, and find no writer for the page: 500).
            return HttpResponse.ok(AuditJsonMapper.page(page.value())).contentType(MediaType.APPLICATION_JSON_TYPE);
        }
    }

    /**
     * CSV when Accept prefers it to JSON (RFC 9110: the higher q; between equals, the one asked for first); no Accept,
     * or one that welcomes both alike ({@code *}{@code /*}), means JSON. One acceptable to neither is refused before
     * (406, {@link AcceptFilter}).
     */
    private static boolean wantsCsv(HttpRequest<?> request) {
        return AcceptedTypes.preferred(request, EVENT_TYPES).filter(CSV::equals).isPresent();
    }

    @Get("/verify/")
    @Operation(summary = "Verify the audit hash chain (auditors only)",
            description = "Walks every event in order and compares the chain with every signed checkpoint kept "
                    + "outside the database: intact (with the number of events, the head hash and the latest "
                    + "checkpoint), or the first position that is missing, altered, mislinked, truncated (events a "
                    + "checkpoint witnessed are gone, head and all) or rewritten (another hash than a checkpoint "
                    + "witnessed), or a checkpoint that was forged or edited; and why. With from=latest-checkpoint "
                    + "the walk starts after the latest walked checkpoint (one whose signer walked the events up "
                    + "to it before signing) when every checkpoint holds in the chain (the events since it; "
                    + "walked_after names it), else from the first event.",
            parameters = @Parameter(name = "from", in = ParameterIn.QUERY,
                    description = "first (default): every event; latest-checkpoint: the events since the latest "
                            + "walked checkpoint",
                    schema = @Schema(type = "string", allowableValues = {"first", "latest-checkpoint"})))
    @ApiResponse(responseCode = "200", description = "the chain intact or where it breaks",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChainVerificationJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.AuditReads
    public ChainVerificationJson verifyChain(HttpRequest<?> request) {
        AuditReader reader = RequestAttributes.auditReader(request);
        var start = AuditReportParameters.of(request, Set.of("from")).walkStart();
        var verification = verify.verifyAuditChain(reader, start);
        recordRead(request, reader, "verify");
        return AuditJsonMapper.verification(verification);
    }

    @Get("/summary/")
    @Operation(operationId = "auditSummary", summary = "Counts per team x operation x outcome, by day or month",
            description = "Over [from, to) (default: the 30 days up to the end of today UTC, or by month the running month "
                    + "and the 11 before it, from a month's first day); the top "
                    + "rejection reasons; the failure rate of provider calls. Without team, the counts are summed over "
                    + "every team (one per bucket, operation and outcome, team null) unless per_team=true; "
                    + PerTeamSummaryBound.STATED + " (longer: 400 SUMMARY_TOO_LARGE).",
            parameters = {
                    @Parameter(name = "team", in = ParameterIn.QUERY, description = "team id; a team token may name only its own",
                            schema = @Schema(type = "string", pattern = OpenApiPatterns.TEAM, maxLength = 63)),
                    @Parameter(name = "from", in = ParameterIn.QUERY, description = "inclusive, e.g. 2026-01-15T00:00:00Z",
                            schema = @Schema(type = "string", format = "date-time", maxLength = OpenApiPatterns.TIME_MAX_LENGTH)),
                    @Parameter(name = "to", in = ParameterIn.QUERY, description = "exclusive",
                            schema = @Schema(type = "string", format = "date-time", maxLength = OpenApiPatterns.TIME_MAX_LENGTH)),
                    @Parameter(name = "bucket", in = ParameterIn.QUERY, description = "default day",
                            schema = @Schema(type = "string", allowableValues = {"day", "month"})),
                    @Parameter(name = "top", in = ParameterIn.QUERY, description = "how many rejection reasons, default 10",
                            schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "50")),
                    @Parameter(name = "per_team", in = ParameterIn.QUERY, description = "without team: each team's "
                            + "counts (true) or their sum (false, the default); with team, that team's either way",
                            schema = @Schema(type = "boolean"))})
    @Produces(MediaType.APPLICATION_JSON)
    @ApiResponse(responseCode = "200", description = "the summary; above 20,000 counts written as it is produced (chunked)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SummaryJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.AuditReads
    @ProblemResponses.AuditEvents
    public HttpResponse<?> summary(HttpRequest<?> request) {
        AuditReader reader = RequestAttributes.auditReader(request);
        AuditReportParameters parameters = AuditReportParameters.of(request, SUMMARY_PARAMETERS);
        SummaryBucket bucket = parameters.bucket();
        List<Optional<Instant>> range = parameters.timeRange();
        int top = parameters.boundedInteger("top", 1, SummaryQuery.MAX_TOP_REASONS, 10);
        SummaryQuery query;
        try {
            query = SummaryQuery.withDefaultPeriod(parameters.team(), range.get(0), range.get(1), bucket, top,
                    BooleanQueryParameter.read(request, "per_team"), clock.instant());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(RequestReason.INVALID_TIME_RANGE, "from", e.getMessage());
        }
        // An answer's size is its cost (ADR 0078): a year of every team by day, team by team, was 50 MB of JSON.
        // A team's token reads its own team only (AuditReader.scope): one team's summary has no bound.
        if (reader.onlyTeam().isEmpty() && PerTeamSummaryBound.exceededBy(query)) {
            throw new InvalidRequest(RequestReason.SUMMARY_TOO_LARGE, "per_team", PerTeamSummaryBound.STATED
                    + ": ask for one team, summed over the teams, by month, or a shorter period");
        }
        // Its slot stays taken until the answer is written or the client goes away (ADR 0062, 0064).
        var summary = summarize.openAuditSummary(reader, query);
        try {
            recordRead(request, reader, "summary");
            if (AuditSummaryJson.fitsOneBody(summary.value())) {
                // Small enough to send whole: no 8 KB reads handed between threads (ADR 0078).
                return HttpResponse.ok(AuditSummaryJson.whole(summary)).contentType(MediaType.APPLICATION_JSON_TYPE);
            }
            return HttpResponse.ok(new AuditSummaryJson(summary)).contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (RuntimeException notServed) {
            summary.close();
            throw notServed;
        }
    }

    @Get("/recoverability/")
    @Operation(summary = "Per server: newest completed snapshot and backup, backups expiring soon, servers with none",
            description = "From the provider's current state joined with the audit history (last completed create "
                    + "and restore per server: for a team its own only, also on a server a change of the teams file "
                    + "gave it; for an auditor every team's). A long read: 503 AUDIT_READS_BUSY with Retry-After when this instance "
                    + "already runs as many as it allows.",
            parameters = @Parameter(name = "expiring_within_days", in = ParameterIn.QUERY,
                    description = "automatic backups expiring within this many days, default 7",
                    schema = @Schema(type = "integer", format = "int32", minimum = "0", maximum = "365")))
    @ApiResponse(responseCode = "200", description = "the report",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RecoverabilityJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ProblemResponses.ProviderAndAuditReads
    @ProblemResponses.AuditEvents
    public RecoverabilityJson recoverability(HttpRequest<?> request) {
        AuditReader reader = RequestAttributes.auditReader(request);
        AuditReportParameters parameters = AuditReportParameters.of(request, RECOVERABILITY_PARAMETERS);
        int days = parameters.boundedInteger("expiring_within_days", 0,
                (int) ReportRecoverabilityUseCase.MAX_EXPIRING_WITHIN.toDays(), 7);
        var report = recoverability.reportRecoverability(reader, Duration.ofDays(days));
        recordRead(request, reader, "recoverability");
        return AuditJsonMapper.recoverability(report);
    }

    /** Every served read leaves an AUDIT_READ event (ADR 0034). */
    private void recordRead(HttpRequest<?> request, AuditReader reader, String report) {
        AuditReadRecords.record(reads, request, reader, report);
    }
}
