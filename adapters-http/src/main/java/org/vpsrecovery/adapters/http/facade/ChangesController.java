package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.vpsrecovery.application.change.PendingChangesService;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.operation.OperationId;

/**
 * Changes of the platform's own records that wait for a second person (ADR 0043): a hold's release, a policy's
 * create, update or delete. Decided at {@code POST /api/v1/operations/{id}/approval/}, as operations are.
 */
@Controller("/api/v1/changes")
@Tag(name = "operations", description = "An extension VPS.org lacks: each change followed at VPS.org to its end")
@ProblemResponses.Common
@ExecuteOn(TaskExecutors.BLOCKING)
public class ChangesController {

    private static final String UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

    private final PendingChangesService changes;

    public ChangesController(PendingChangesService changes) {
        this.changes = changes;
    }

    @Get("/{change_id}/")
    @Operation(summary = "A change waiting for a second person, and what it will do",
            description = "A hold release or policy change of a team whose configuration asks for two-person approval "
                    + "(its id came as X-Operation-Id with the 202): pending_approval until another person of the team "
                    + "decides at POST /api/v1/operations/{id}/approval/, then completed, rejected, denied or expired. "
                    + "It shows the hold it releases, or the policy, the version it was asked against and the policy "
                    + "document it will write. Another team's is 404.")
    @ApiResponse(responseCode = "200", description = "the change",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PendingChangeJson.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    @ApiResponse(responseCode = "404", description = "No such change for this team (OPERATION_NOT_FOUND)",
            content = @Content(mediaType = ProblemDetails.MEDIA_TYPE, schema = @Schema(implementation = ProblemDetails.class)),
            headers = {@Header(name = RequestAttributes.REQUEST_ID_HEADER,
                    description = OpenApiPatterns.REQUEST_ID_HEADER_DESCRIPTION, schema = @Schema(type = "string", pattern = OpenApiPatterns.REQUEST_ID, maxLength = OpenApiPatterns.REQUEST_ID_MAX_LENGTH))})
    public PendingChangeJson getChange(HttpRequest<?> request,
            @Parameter(description = "the change id (a UUID)", schema = @Schema(type = "string", pattern = UUID,
                    maxLength = 36)) @PathVariable("change_id") String changeId) {
        OperationId id;
        try {
            id = OperationId.parse(changeId);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(RequestReason.INVALID_ID, "change_id", "change_id must be a UUID");
        }
        return PendingChangeJson.of(changes.find(RequestAttributes.callContext(request).team(), id).orElseThrow(() ->
                new ResourceNotFound(ReasonCode.OPERATION_NOT_FOUND, "change " + id + " not found")));
    }
}
