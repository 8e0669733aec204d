package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
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
import java.util.Set;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.application.audit.RecordAuditReadUseCase;
import org.vpsrecovery.application.drift.ListDriftUseCase;
import org.vpsrecovery.domain.drift.DriftFilter;
import org.vpsrecovery.domain.drift.DriftKind;

/**
 * The drift report (ADR 0035): what the scans found at VPS.org that differs from the audit history. Under
 * the audit reports' path, so auditors read it (every team's) and a team its own, with the same strict
 * query parameters and keyset cursors as the audit events.
 */
@Controller("/api/v1/audit/drift")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "audit")
@ProblemResponses.Common
public class DriftController {

    private static final Set<String> PARAMETERS = Set.of("team", "server_id", "kind", "since", "limit", "cursor");

    private final ListDriftUseCase drifts;
    private final RecordAuditReadUseCase reads;

    public DriftController(ListDriftUseCase drifts, RecordAuditReadUseCase reads) {
        this.drifts = drifts;
        this.reads = reads;
    }

    @Get("/")
    @Operation(operationId = "listDrift", summary = "Recovery points that drifted from the audit history, newest first",
            description = "Made or deleted at VPS.org outside the platform, automatic backups gone by the provider's "
                    + "retention, points stuck in progress; each recorded once by the periodic scan, with its resolution "
                    + "once it goes away. Filters combine with AND; pass `next` back as `cursor` for the following page. "
                    + "An unknown or repeated parameter is a 400.",
            parameters = {
                    @Parameter(name = "team", in = ParameterIn.QUERY, description = "team id; a team token may name only its own",
                            schema = @Schema(type = "string", pattern = OpenApiPatterns.TEAM, maxLength = 63)),
                    @Parameter(name = "server_id", in = ParameterIn.QUERY, schema = @Schema(type = "string",
                            pattern = OpenApiPatterns.ID, maxLength = OpenApiPatterns.ID_MAX_LENGTH)),
                    @Parameter(name = "kind", in = ParameterIn.QUERY, schema = @Schema(type = "string",
                            allowableValues = {"created_outside", "deleted_outside", "automatic_backup_expired",
                                    "stuck_in_progress"})),
                    @Parameter(name = "since", in = ParameterIn.QUERY, description = "detected at or after, e.g. 2026-01-15T00:00:00Z",
                            schema = @Schema(type = "string", format = "date-time", maxLength = OpenApiPatterns.TIME_MAX_LENGTH)),
                    @Parameter(name = "limit", in = ParameterIn.QUERY, description = "page size, default 100",
                            schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "500")),
                    @Parameter(name = "cursor", in = ParameterIn.QUERY, description = "the previous page's `next`",
                            schema = @Schema(type = "string", pattern = OpenApiPatterns.CURSOR, maxLength = 64))})
    @ApiResponse(responseCode = "200", description = "a page of drifts",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DriftJson.DriftPageJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public DriftJson.DriftPageJson list(HttpRequest<?> request) {
        AuditReader reader = RequestAttributes.auditReader(request);
        AuditReportParameters parameters = AuditReportParameters.of(request, PARAMETERS);
        DriftFilter filter = new DriftFilter(parameters.team(), parameters.serverId(), parameters.text("kind").map(raw -> {
            try {
                return DriftKind.fromWire(raw);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, "kind", "kind must be one of "
                        + String.join(", ", DriftKind.wireNames()));
            }
        }), parameters.instant("since"));
        var page = drifts.listDrift(reader, filter, parameters.cursor(), parameters.limit());
        // A read of the audit history like the other reports: audited with its filters (ADR 0034).
        AuditReadRecords.record(reads, request, reader, "drift");
        return DriftJson.page(page);
    }
}
